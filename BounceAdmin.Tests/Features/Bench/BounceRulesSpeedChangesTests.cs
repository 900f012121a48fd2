using BounceAdmin.Features.Bounces;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Bench;

/// <summary>
/// Pins the behaviour the bench's speed changes to <see cref="BounceRulesService"/> touched: the send's person is now
/// loaded once and compared in memory, and SaveChanges runs without EF's automatic savepoint.
/// </summary>
public sealed class BounceRulesSpeedChangesTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly BounceRulesService _rules;

    public BounceRulesSpeedChangesTests() => _rules = new BounceRulesService(_db.Factory, new TestClock(TestData.Now), BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task BounceForAnotherRecipientThanTheSend_GoesToTheRecipient_AndLeavesTheSendsPersonAlone()
    {
        using var setup = _db.NewContext();
        var sendPerson = setup.AddPerson("gil@example.com");
        var recipient = setup.AddPerson("alias@example.com");
        var email = setup.AddEmail("News");
        var send = setup.AddSend(email, sendPerson, TestData.Now.AddDays(-1), "m1@mail.example");

        var result = await _rules.ApplyAsync(new BounceInput("alias@example.com", "userunknown", "k1", TestData.Now, "test",
            "5.1.1", 550, "550 5.1.1 no such user", OriginalMessageId: "<m1@mail.example>", SendId: send.Id));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(recipient.Id, result.PersonId);
        using var db = _db.NewContext();
        var evt = await db.BounceEvents.SingleAsync();
        Assert.Null(evt.SendId);
        Assert.Equal(recipient.Id, evt.PersonId);
        Assert.True((await db.People.SingleAsync(p => p.Id == recipient.Id)).EmailInvalid);
        var untouched = await db.People.SingleAsync(p => p.Id == sendPerson.Id);
        Assert.False(untouched.EmailInvalid);
        Assert.Equal(sendPerson.Version, untouched.Version);
        Assert.Empty(await db.AuditEntries.Where(a => a.PersonId == sendPerson.Id).ToListAsync());
    }

    [Fact]
    public async Task BounceMatchingTheSendsPerson_KeepsTheSend_AndAppliesOnce_EvenWhenIngestedTwice()
    {
        using var setup = _db.NewContext();
        var person = setup.AddPerson("Hal@Example.com");
        var email = setup.AddEmail("Offer");
        var send = setup.AddSend(email, person, TestData.Now.AddDays(-1));
        var input = new BounceInput("HAL@example.com", "blocked", "k2", TestData.Now, "test", "5.7.1", 554, "554 5.7.1 blocked", SendId: send.Id);

        var first = await _rules.ApplyAsync(input);
        var second = await _rules.ApplyAsync(input);

        Assert.Equal(ApplyOutcome.Applied, first.Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, second.Outcome);
        using var db = _db.NewContext();
        var evt = await db.BounceEvents.SingleAsync();
        Assert.Equal(send.Id, evt.SendId);
        Assert.Equal(email.Id, evt.EmailId);
        Assert.True((await db.People.SingleAsync(p => p.Id == person.Id)).EmailSuspended);
    }
}
