using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.People;

/// <summary>Email Suspended can never be cleared; Email Invalid only by an Admin with a reason; derived states are computed.</summary>
public sealed class PersonRulesTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private PersonAdminService AdminService(string role) => new(_db.Factory, FixedCurrentUser.For(role.ToLowerInvariant() + "@test", role), _clock);

    private Person InvalidPerson(string email = "inv@example.com")
        => _db.NewContext().AddPerson(email, p => { p.EmailInvalid = true; p.EmailInvalidCause = "550 5.1.1 User unknown"; });

    private Person SuspendedPerson(string email = "sus@example.com")
        => _db.NewContext().AddPerson(email, p => { p.EmailSuspended = true; p.EmailSuspendedAt = TestData.Now.AddHours(-2); p.EmailSuspendedCause = "554 5.7.1 blocked"; });

    [Fact]
    public async Task AdminUnchecksEmailInvalidWithAReasonAndTheCauseIsKeptInTheAudit()
    {
        var person = InvalidPerson();

        await AdminService(Roles.Admin).ResetEmailInvalidAsync(person.Id, "  Customer confirmed by phone  ");

        using var db = _db.NewContext();
        var p = db.People.Single(x => x.Id == person.Id);
        Assert.False(p.EmailInvalid);
        Assert.Null(p.EmailInvalidCause);
        var audit = db.AuditEntries.Where(a => a.PersonId == person.Id).ToList();
        var invalid = Assert.Single(audit, a => a.Field == FieldLabels.EmailInvalid);
        Assert.Equal(("true", "false", "admin@test", "Customer confirmed by phone"), (invalid.OldValue, invalid.NewValue, invalid.Actor, invalid.Reason));
        var cause = Assert.Single(audit, a => a.Field == FieldLabels.EmailInvalidCause);
        Assert.Equal("550 5.1.1 User unknown", cause.OldValue);
        Assert.Null(cause.NewValue);
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task MarketerAndManagerCannotUncheckEmailInvalidEvenThroughTheService(string role)
    {
        var person = InvalidPerson();

        await Assert.ThrowsAsync<ForbiddenException>(() => AdminService(role).ResetEmailInvalidAsync(person.Id, "I am sure"));
        await Assert.ThrowsAsync<ForbiddenException>(() => AdminService(role).UpdateAsync(person.Id, new PersonEdit(EmailInvalid: false, Reason: "I am sure")));

        using var db = _db.NewContext();
        Assert.True(db.People.Single(x => x.Id == person.Id).EmailInvalid);
        Assert.Empty(db.AuditEntries);
    }

    [Fact]
    public async Task AnonymousCannotUncheckEmailInvalid()
    {
        var person = InvalidPerson();
        var service = new PersonAdminService(_db.Factory, FixedCurrentUser.Anonymous, _clock);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.ResetEmailInvalidAsync(person.Id, "reason"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task UncheckingEmailInvalidNeedsAReason(string? reason)
    {
        var person = InvalidPerson();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => AdminService(Roles.Admin).ResetEmailInvalidAsync(person.Id, reason!));
        Assert.Contains("reason is required", ex.Message);
        using var db = _db.NewContext();
        Assert.True(db.People.Single(x => x.Id == person.Id).EmailInvalid);
    }

    [Fact]
    public async Task AStaleVersionIsRefusedInsteadOfOverwriting()
    {
        var person = InvalidPerson();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(
            () => AdminService(Roles.Admin).ResetEmailInvalidAsync(person.Id, "valid", expectedVersion: person.Version + 7));
    }

    [Fact]
    public async Task NoServicePathClearsEmailSuspended()
    {
        var person = SuspendedPerson();

        // An import or crafted request asking to clear it is refused with a clear error, even for an Admin.
        var ex = await Assert.ThrowsAsync<BounceRuleException>(
            () => AdminService(Roles.Admin).UpdateAsync(person.Id, new PersonEdit(EmailSuspended: false, Reason: "please")));
        Assert.Contains("can never be cleared", ex.Message);

        // No public method on the services clears it.
        var clearing = new[] { typeof(PersonAdminService), typeof(BounceRulesService) }
            .SelectMany(t => t.GetMethods())
            .Where(m => m.Name.Contains("Suspend", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(clearing);

        using var db = _db.NewContext();
        Assert.True(db.People.Single(x => x.Id == person.Id).EmailSuspended);
    }

    [Fact]
    public void EvenADirectDatabaseWriteCannotClearEmailSuspended()
    {
        var person = SuspendedPerson();
        using var db = _db.NewContext();
        var p = db.People.Single(x => x.Id == person.Id);
        p.EmailSuspended = false;
        db.AuditEntries.Add(new AuditEntry { PersonId = p.Id, Actor = "x", Field = FieldLabels.EmailSuspended, Reason = "x", At = TestData.Now });

        Assert.Throws<BounceRuleException>(() => db.SaveChanges());
    }

    [Fact]
    public void EveryChangeToABounceFieldNeedsAnAuditEntry()
    {
        var person = _db.NewContext().AddPerson("noaudit@example.com");
        using var db = _db.NewContext();
        var p = db.People.Single(x => x.Id == person.Id);
        p.EmailInvalid = true;

        var ex = Assert.Throws<BounceRuleException>(() => db.SaveChanges());
        Assert.Contains("audit", ex.Message);
    }

    [Fact]
    public async Task SettingEmailSuspendedByHandIsRefused()
    {
        var person = _db.NewContext().AddPerson("hand@example.com");
        await Assert.ThrowsAsync<BounceRuleException>(
            () => AdminService(Roles.Admin).UpdateAsync(person.Id, new PersonEdit(EmailSuspended: true, Reason: "x")));
    }

    [Fact]
    public void SuspendedNowLastsExactly24HoursAndThenThePersonIsMailableAgain()
    {
        var at = TestData.Now;
        var person = new Person { Email = "k@example.com", EmailSuspended = true, EmailSuspendedAt = at };

        var during = PersonStatus.Of(person, at.AddHours(23).AddMinutes(59));
        Assert.True(during.SuspendedNow);
        Assert.False(during.Mailable);
        Assert.Equal(at.AddHours(24), during.MailableAgainAt);

        var after = PersonStatus.Of(person, at.AddHours(24));
        Assert.False(after.SuspendedNow);
        Assert.True(after.Mailable);
        Assert.Null(after.MailableAgainAt);
    }

    [Fact]
    public void MailableAgainAtIsShownOnlyWhenTheSuspensionIsTheOnlyReason()
    {
        var person = new Person { Email = "k@example.com", EmailSuspended = true, EmailSuspendedAt = TestData.Now, Unsubscribed = true };
        var status = PersonStatus.Of(person, TestData.Now.AddHours(1));
        Assert.False(status.Mailable);
        Assert.Null(status.MailableAgainAt);
        Assert.Contains("Unsubscribed", status.NotMailableReasons);
    }

    [Theory]
    [InlineData(null, false, false, false, false, false)]
    [InlineData("a@b.c", true, false, false, false, false)]
    [InlineData("a@b.c", false, true, false, false, false)]
    [InlineData("a@b.c", false, false, true, false, false)]
    [InlineData("a@b.c", false, false, false, true, false)]
    [InlineData("a@b.c", false, false, false, false, true)]
    public void EachReasonMakesAPersonUnmailable(string? email, bool blocklisted, bool invalid, bool marketingSuspended, bool unsubscribed, bool mailable)
    {
        var status = PersonStatus.Of(email, blocklisted, invalid, marketingSuspended, unsubscribed, emailSuspendedAt: null, TestData.Now);
        Assert.Equal(mailable, status.Mailable);
        Assert.Equal(mailable, status.NotMailableReasons.Count == 0);
    }
}
