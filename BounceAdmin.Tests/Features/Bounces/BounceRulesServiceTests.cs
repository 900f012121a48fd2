using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>The bounce rules of SPEC §2–3, applied through the one service every path uses, on real SQLite.</summary>
public sealed class BounceRulesServiceTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);
    private readonly BounceRulesService _rules;

    public BounceRulesServiceTests() => _rules = new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));

    public void Dispose() => _db.Dispose();

    private static BounceInput Bounce(string recipient, string reason, DateTime at, string? key = null, string? status = null, int? code = null,
        string? diagnostic = null)
        => new(recipient, reason, key ?? Guid.NewGuid().ToString("N"), at, "test", status, code, diagnostic ?? $"{code} {status} {reason}");

    private Person Reload(int id)
    {
        using var db = _db.NewContext();
        return db.People.AsNoTracking().Single(p => p.Id == id);
    }

    private List<AuditEntry> Audit(int id)
    {
        using var db = _db.NewContext();
        return db.AuditEntries.AsNoTracking().Where(a => a.PersonId == id).OrderBy(a => a.Id).ToList();
    }

    [Fact]
    public async Task Category1SetsEmailSuspendedCauseAndAt()
    {
        var person = _db.NewContext().AddPerson("ann@example.com");
        var at = TestData.Now.AddHours(-1);

        var result = await _rules.ApplyAsync(Bounce("ANN@example.com", "blocked", at, status: "5.7.1", code: 554, diagnostic: "554 5.7.1 blocked using zen.spamhaus.org"));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        var p = Reload(person.Id);
        Assert.True(p.EmailSuspended);
        Assert.Equal(at, p.EmailSuspendedAt);
        Assert.Contains("zen.spamhaus.org", p.EmailSuspendedCause);
        Assert.StartsWith("554 5.7.1", p.EmailSuspendedCause);
        Assert.False(p.EmailInvalid);
        var audit = Audit(person.Id);
        Assert.Contains(audit, a => a.Field == FieldLabels.EmailSuspended && a.OldValue == "false" && a.NewValue == "true" && a.Actor == "bounce" && a.BounceEventId == result.BounceEventId);
        Assert.Contains(audit, a => a.Field == FieldLabels.EmailSuspendedAt);
        Assert.Contains(audit, a => a.Field == FieldLabels.EmailSuspendedCause);
    }

    [Fact]
    public async Task Category2SetsEmailInvalidAndCause()
    {
        var person = _db.NewContext().AddPerson("bob@example.com");

        await _rules.ApplyAsync(Bounce("bob@example.com", "userunknown", TestData.Now, status: "5.1.1", code: 550, diagnostic: "User unknown"));

        var p = Reload(person.Id);
        Assert.True(p.EmailInvalid);
        Assert.Equal("550 5.1.1 User unknown", p.EmailInvalidCause);
        Assert.Equal("550 5.1.1 Mailbox gone", BounceRulesService.DescribeCause(new BounceEvent
        {
            Recipient = "x@y.z", RecipientDomain = "y.z", Reason = "userunknown", Source = "t", DedupKey = "k",
            ReplyCode = 550, Status = "5.1.1", Diagnostic = "550 5.1.1 Mailbox gone",
        }));
        Assert.False(p.EmailSuspended);
        Assert.Null(p.EmailSuspendedAt);
        Assert.Contains(Audit(person.Id), a => a.Field == FieldLabels.EmailInvalid && a.NewValue == "true");
        Assert.Contains(Audit(person.Id), a => a.Field == FieldLabels.EmailInvalidCause && a.NewValue == "550 5.1.1 User unknown");
    }

    [Theory]
    [InlineData("mailboxfull", "4.2.2")]
    [InlineData("networkerror", "4.4.1")]
    [InlineData("undefined", null)]
    [InlineData("onhold", null)]
    [InlineData("vacation", null)]
    [InlineData("delivered", "2.0.0")]
    [InlineData("notaccept", "4.3.2")]
    public async Task OtherCategoriesAndNonBouncesChangeNoField(string reason, string? status)
    {
        var person = _db.NewContext().AddPerson("cy@example.com");
        var versionBefore = person.Version;

        var result = await _rules.ApplyAsync(Bounce("cy@example.com", reason, TestData.Now, status: status));

        Assert.Null(result.Changes);
        var p = Reload(person.Id);
        Assert.False(p.EmailSuspended);
        Assert.False(p.EmailInvalid);
        Assert.Null(p.EmailSuspendedAt);
        Assert.Null(p.EmailInvalidCause);
        Assert.Equal(versionBefore, p.Version);
        Assert.Empty(Audit(person.Id));
    }

    [Fact]
    public async Task AComplaintUnsubscribesThePersonAndLeavesTheBounceFieldsAlone()
    {
        var person = _db.NewContext().AddPerson("fb@example.com");
        using (var db = _db.NewContext())
        {
            // Issue 14: only a complaint about a send of ours unsubscribes (here a send to the person in the last 30 days).
            db.AddSend(db.AddEmail("News fb"), person, TestData.Now.AddDays(-1));
        }

        var result = await _rules.ApplyAsync(Bounce("fb@example.com", "feedback", TestData.Now));

        Assert.Equal(ApplyOutcome.NotABounce, result.Outcome);
        var p = Reload(person.Id);
        Assert.True(p.Unsubscribed);
        Assert.False(p.EmailInvalid);
        Assert.False(p.EmailSuspended);
        Assert.Single(Audit(person.Id), a => a.Field == "Unsubscribed" && a.NewValue == "true");
    }

    [Fact]
    public async Task NotAcceptWithPermanentStatusIsCategory2()
    {
        var person = _db.NewContext().AddPerson("dee@nullmx.example");
        await _rules.ApplyAsync(Bounce("dee@nullmx.example", "notaccept", TestData.Now, status: "5.1.10", code: 556));
        Assert.True(Reload(person.Id).EmailInvalid);
    }

    [Fact]
    public async Task SuspendedAtMovesForwardButNeverBack()
    {
        var person = _db.NewContext().AddPerson("eve@example.com");
        var first = TestData.Now.AddHours(-5);
        var later = TestData.Now.AddHours(-2);
        var older = TestData.Now.AddDays(-3);

        await _rules.ApplyAsync(Bounce("eve@example.com", "spamdetected", first, diagnostic: "first"));
        await _rules.ApplyAsync(Bounce("eve@example.com", "blocked", later, diagnostic: "later"));
        var afterLater = Reload(person.Id);
        Assert.Equal(later, afterLater.EmailSuspendedAt);
        Assert.Contains("later", afterLater.EmailSuspendedCause);

        // A late-arriving, older suspending bounce does not move the time (or the cause) back.
        var result = await _rules.ApplyAsync(Bounce("eve@example.com", "blocked", older, diagnostic: "older"));
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Null(result.Changes);
        var p = Reload(person.Id);
        Assert.Equal(later, p.EmailSuspendedAt);
        Assert.Contains("later", p.EmailSuspendedCause);
    }

    [Fact]
    public async Task SameBounceTwiceIsADuplicateAndChangesNothing()
    {
        var person = _db.NewContext().AddPerson("fay@example.com");
        var input = Bounce("fay@example.com", "userunknown", TestData.Now, key: "dsn:abc:fay@example.com", status: "5.1.1");

        var first = await _rules.ApplyAsync(input);
        var auditCount = Audit(person.Id).Count;
        var second = await _rules.ApplyAsync(input);

        Assert.Equal(ApplyOutcome.Applied, first.Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, second.Outcome);
        Assert.Equal(auditCount, Audit(person.Id).Count);
        using var db = _db.NewContext();
        Assert.Equal(1, db.BounceEvents.Count());
    }

    [Fact]
    public async Task UnknownRecipientIsKeptAsUnmatched()
    {
        var result = await _rules.ApplyAsync(Bounce("ghost@nowhere.example", "userunknown", TestData.Now, status: "5.1.1"));

        Assert.Equal(ApplyOutcome.Unmatched, result.Outcome);
        using var db = _db.NewContext();
        var evt = db.BounceEvents.Single();
        Assert.Equal(BounceOutcome.Unmatched, evt.Outcome);
        Assert.Null(evt.PersonId);
        Assert.Equal("nowhere.example", evt.RecipientDomain);
    }

    [Fact]
    public async Task AnUnmatchedBounceIsAppliedWhenItsPersonAppearsLater()
    {
        await _rules.ApplyAsync(Bounce("late@example.com", "userunknown", TestData.Now.AddDays(-1), status: "5.1.1"));
        var person = _db.NewContext().AddPerson("Late@Example.com");

        var matched = await _rules.RematchUnmatchedAsync();

        Assert.Equal(1, matched);
        Assert.True(Reload(person.Id).EmailInvalid);
        Assert.Contains(Audit(person.Id), a => a.Field == FieldLabels.EmailInvalid && a.BounceEventId != null);
        Assert.Equal(0, await _rules.RematchUnmatchedAsync());
    }

    [Fact]
    public async Task BounceIsMatchedToTheExactSendByMessageId()
    {
        using var setup = _db.NewContext();
        var person = setup.AddPerson("gil@example.com");
        var email = setup.AddEmail("November news");
        setup.AddSend(email, person, TestData.Now.AddDays(-2), "older@mail.example");
        var send = setup.AddSend(email, person, TestData.Now.AddDays(-1), "abc123@mail.example");

        await _rules.ApplyAsync(Bounce("gil@example.com", "mailboxfull", TestData.Now) with { OriginalMessageId = "<abc123@mail.example>" });

        using var db = _db.NewContext();
        var evt = db.BounceEvents.Single();
        Assert.Equal(send.Id, evt.SendId);
        Assert.Equal(email.Id, evt.EmailId);
        Assert.Equal(person.Id, evt.PersonId);
    }

    [Fact]
    public async Task RecentEngagementMarksCategory2AsSuspectedFalsePositive()
    {
        using var setup = _db.NewContext();
        var person = setup.AddPerson("hal@example.com");
        var email = setup.AddEmail("Offer");
        var send = setup.AddSend(email, person, TestData.Now.AddDays(-5));
        setup.AddEvent(send, EmailEventType.Opened, TestData.Now.AddDays(-4));
        setup.AddPerson("ida@example.com");

        await _rules.ApplyAsync(Bounce("hal@example.com", "userunknown", TestData.Now, status: "5.1.1", diagnostic: "550 5.1.1 no such user"));
        await _rules.ApplyAsync(Bounce("ida@example.com", "userunknown", TestData.Now, status: "5.1.1", diagnostic: "550 5.1.1 no such user"));

        using var db = _db.NewContext();
        Assert.True(db.BounceEvents.Single(b => b.Recipient == "hal@example.com").SuspectedFalsePositive);
        Assert.False(db.BounceEvents.Single(b => b.Recipient == "ida@example.com").SuspectedFalsePositive);
    }

    [Fact]
    public async Task ABurstOfInvalidBouncesAtOneDomainIsSuspectedAFalsePositive()
    {
        for (var i = 0; i < BounceRulesService.BurstThreshold; i++)
        {
            _db.NewContext().AddPerson($"p{i}@burst.example");
        }

        _db.NewContext().AddPerson("alone@quiet.example");
        for (var i = 0; i < BounceRulesService.BurstThreshold; i++)
        {
            await _rules.ApplyAsync(Bounce($"p{i}@burst.example", "userunknown", TestData.Now.AddMinutes(i), status: "5.1.1", diagnostic: "550 5.1.1 no such user"));
        }

        await _rules.ApplyAsync(Bounce("alone@quiet.example", "userunknown", TestData.Now, status: "5.1.1", diagnostic: "550 5.1.1 no such user"));

        using var db = _db.NewContext();
        var burst = db.BounceEvents.Where(b => b.RecipientDomain == "burst.example").OrderBy(b => b.Id).ToList();
        Assert.False(burst[0].SuspectedFalsePositive);
        Assert.True(burst[^1].SuspectedFalsePositive);
        Assert.False(db.BounceEvents.Single(b => b.RecipientDomain == "quiet.example").SuspectedFalsePositive);
    }

    [Fact]
    public async Task BadInputIsRefusedAndNothingIsHalfApplied()
    {
        var person = _db.NewContext().AddPerson("jo@example.com");
        BounceInput[] message =
        [
            Bounce("jo@example.com", "userunknown", TestData.Now, status: "5.1.1"),
            Bounce("not-an-address", "userunknown", TestData.Now),
        ];

        await Assert.ThrowsAsync<ArgumentException>(() => _rules.ApplyManyAsync(message));
        await Assert.ThrowsAsync<ArgumentException>(() => _rules.ApplyAsync(Bounce("jo@example.com", "no-such-reason", TestData.Now)));

        Assert.False(Reload(person.Id).EmailInvalid);
        using var db = _db.NewContext();
        Assert.Empty(db.BounceEvents);
    }

    [Fact]
    public void EveryReasonOfTheSpecHasItsCategory()
    {
        Assert.Equal(1, BounceTaxonomy.CategoryOf("filtered"));
        Assert.Equal(2, BounceTaxonomy.CategoryOf("suppressed"));
        Assert.Equal(2, BounceTaxonomy.CategoryOf("notaccept", "5.1.10"));
        Assert.Equal(4, BounceTaxonomy.CategoryOf("notaccept", "4.3.2"));
        Assert.Equal(4, BounceTaxonomy.CategoryOf("notaccept", null, 421));
        Assert.Equal(3, BounceTaxonomy.CategoryOf("expired"));
        Assert.Equal(4, BounceTaxonomy.CategoryOf("failedstarttls"));
        Assert.Equal(9, BounceTaxonomy.CategoryOf("onhold"));
        Assert.Null(BounceTaxonomy.CategoryOf("vacation"));
        Assert.Equal(BounceKind.None, BounceTaxonomy.KindOf(null, "feedback"));
        Assert.Equal(BounceKind.Hard, BounceTaxonomy.KindOf(1, "blocked"));
        Assert.Equal(BounceKind.Soft, BounceTaxonomy.KindOf(9, "undefined"));
        // Every reason named in the taxonomy resolves (non-bounces to null, the rest to a category).
        foreach (var reason in BounceTaxonomy.AllReasons)
        {
            Assert.Equal(BounceTaxonomy.IsBounce(reason), BounceTaxonomy.CategoryOf(reason) is not null);
        }
    }
}
