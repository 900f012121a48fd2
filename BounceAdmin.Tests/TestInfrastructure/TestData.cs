using BounceAdmin.Data;
using BounceAdmin.Data.Entities;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>Small builders for test rows.</summary>
public static class TestData
{
    public static readonly DateTime Now = new(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);

    public static Person AddPerson(this AppDbContext db, string email, Action<Person>? configure = null)
    {
        var p = new Person
        {
            Email = email,
            EmailNormalized = email.ToLowerInvariant(),
            EmailDomain = email[(email.IndexOf('@') + 1)..].ToLowerInvariant(),
            FirstName = "Test",
            LastName = email[..email.IndexOf('@')],
            Company = "Acme",
            CreatedAt = Now.AddDays(-100),
            UpdatedAt = Now.AddDays(-100),
        };
        configure?.Invoke(p);
        db.People.Add(p);
        db.SaveChanges();
        return p;
    }

    public static Email AddEmail(this AppDbContext db, string name, string program = "Program A")
    {
        var prog = db.Programs.FirstOrDefault(x => x.Name == program) ?? new MarketingProgram { Name = program, CreatedAt = Now.AddDays(-200) };
        var email = new Email { Name = name, Program = prog, CreatedAt = Now.AddDays(-100) };
        db.Emails.Add(email);
        db.SaveChanges();
        return email;
    }

    public static EmailSend AddSend(this AppDbContext db, Email email, Person person, DateTime sentAt, string? messageId = null)
    {
        var send = new EmailSend { EmailId = email.Id, PersonId = person.Id, SentAt = sentAt, MessageId = messageId };
        db.Sends.Add(send);
        db.SaveChanges();
        return send;
    }

    public static EmailEvent AddEvent(this AppDbContext db, EmailSend send, EmailEventType type, DateTime at)
    {
        var e = new EmailEvent { SendId = send.Id, PersonId = send.PersonId, EmailId = send.EmailId, Type = type, OccurredAt = at };
        db.EmailEvents.Add(e);
        db.SaveChanges();
        return e;
    }
}
