using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>
/// Issue 14 points 1–3 on the applier every path shares: a temporary failure never takes a person away (re-match too),
/// a bounce's claimed date is clamped to the time received, and unverified bounces follow Bounces:UnverifiedPolicy.
/// </summary>
public sealed class BounceTrustTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private BounceRulesService Rules(UnverifiedPolicy policy = UnverifiedPolicy.Apply)
        => new(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin),
            new FixedOptions(new BounceTrustOptions { UnverifiedPolicy = policy }));

    private static BounceInput Block(string recipient, DateTime at, string? messageId = null, bool? permanent = null, string status = "5.7.1")
        => new(recipient, "blocked", Guid.NewGuid().ToString("N"), at, "test", status, 554, $"554 {status} blocked using zen.spamhaus.org",
            OriginalMessageId: messageId, Permanent: permanent);

    private static BounceInput Unknown(string recipient, DateTime at, string? messageId = null)
        => new(recipient, "userunknown", Guid.NewGuid().ToString("N"), at, "test", "5.1.1", 550, "550 5.1.1 User unknown", OriginalMessageId: messageId);

    private Person Reload(int id)
    {
        using var db = _db.NewContext();
        return db.People.AsNoTracking().Single(p => p.Id == id);
    }

    private BounceEvent Event(long id)
    {
        using var db = _db.NewContext();
        return db.BounceEvents.AsNoTracking().Single(b => b.Id == id);
    }

    private (Person Person, EmailSend Send) PersonWithSend(string email, DateTime sentAt, string messageId)
    {
        using var db = _db.NewContext();
        var person = db.AddPerson(email);
        var send = db.AddSend(db.AddEmail("News " + email), person, sentAt, messageId);
        return (person, send);
    }

    // ---- Point 1: temporary failures, re-match ----

    [Fact]
    public async Task ATemporaryFailureStoredAsCategory1BeforeIsRematchedAsTemporary()
    {
        // An unmatched bounce stored by the old code: category 1 from its reason alone, though its status was 4.7.0.
        using (var db = _db.NewContext())
        {
            db.BounceEvents.Add(new BounceEvent
            {
                Recipient = "late@example.com", RecipientDomain = "example.com", Category = 1, Kind = BounceKind.Hard, Reason = "spamdetected",
                Status = "4.7.0", ReplyCode = 421, Diagnostic = "421 4.7.0 temporarily rate limited", Source = "test", DedupKey = "old-1",
                OccurredAt = TestData.Now.AddHours(-2), ReceivedAt = TestData.Now.AddHours(-2), Outcome = BounceOutcome.Unmatched,
            });
            db.SaveChanges();
        }

        var person = _db.NewContext().AddPerson("late@example.com");

        Assert.Equal(1, await Rules().RematchUnmatchedAsync());

        var p = Reload(person.Id);
        Assert.False(p.EmailSuspended);
        Assert.Null(p.EmailSuspendedAt);
        using var check = _db.NewContext();
        var evt = check.BounceEvents.AsNoTracking().Single(b => b.DedupKey == "old-1");
        Assert.Equal((4, false, BounceKind.Soft), (evt.Category, evt.Permanent, evt.Kind));
        Assert.Empty(check.AuditEntries.Where(a => a.PersonId == person.Id));
    }

    [Fact]
    public async Task AnInputSaidTemporaryChangesNoFieldEvenWithA5xxStatus()
    {
        var person = _db.NewContext().AddPerson("soft@example.com");

        var result = await Rules().ApplyAsync(Block("soft@example.com", TestData.Now, permanent: false));

        Assert.False(Reload(person.Id).EmailSuspended);
        Assert.Equal((4, false), (Event(result.BounceEventId!.Value).Category, Event(result.BounceEventId!.Value).Permanent));
    }

    // ---- Point 2: dates ----

    [Fact]
    public async Task ABounceDated2099IsClampedToTheTimeReceivedAndKeepsItsClaimedTime()
    {
        var person = _db.NewContext().AddPerson("future@example.com");
        var claimed = new DateTime(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var result = await Rules().ApplyAsync(Block("future@example.com", claimed));

        var p = Reload(person.Id);
        Assert.True(p.EmailSuspended);
        Assert.Equal(TestData.Now + BounceRulesService.AllowedClockSkew, p.EmailSuspendedAt);
        var evt = Event(result.BounceEventId!.Value);
        Assert.Equal(claimed, evt.ClaimedOccurredAt);
        Assert.Equal(TestData.Now + BounceRulesService.AllowedClockSkew, evt.OccurredAt);

        // A day after the time received the person is mailable again, as for any suspension.
        Assert.False(PersonStatus.Of(p, TestData.Now.AddDays(1) + BounceRulesService.AllowedClockSkew).SuspendedNow);
    }

    [Fact]
    public async Task ADateWithinTheAllowedSkewIsKeptAsItIs()
    {
        _db.NewContext().AddPerson("skew@example.com");
        var at = TestData.Now.AddMinutes(3);

        var result = await Rules().ApplyAsync(Block("skew@example.com", at));

        Assert.Equal(at, Event(result.BounceEventId!.Value).OccurredAt);
    }

    [Fact]
    public async Task ABounceDatedTheLastDayOfTheCalendarIsAppliedWithoutOverflow()
    {
        var person = _db.NewContext().AddPerson("end@example.com");
        var claimed = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);

        // Category 2 runs the false-positive checks, whose windows subtract and add days around the bounce's time.
        var result = await Rules().ApplyAsync(new BounceInput("end@example.com", "userunknown", "max-1", claimed, "test", "5.1.1", 550, "550 5.1.1 no such user"));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.True(Reload(person.Id).EmailInvalid);
        Assert.Equal(claimed, Event(result.BounceEventId!.Value).ClaimedOccurredAt);
    }

    [Fact]
    public void PersonStatusIsOverflowSafeForASuspensionAtTheEndOfTheCalendar()
    {
        var at = new DateTime(9999, 12, 31, 23, 0, 0, DateTimeKind.Utc);

        var status = PersonStatus.Of("x@example.com", false, false, false, false, at, TestData.Now);

        Assert.True(status.SuspendedNow);
        Assert.Equal(DateTime.MaxValue, status.MailableAgainAt);
        Assert.True(PersonStatus.IsSuspendedNow(DateTime.MaxValue, TestData.Now));
        Assert.False(PersonStatus.IsSuspendedNow(TestData.Now.AddHours(-25), TestData.Now));
    }

    // ---- Point 3: unverified bounces ----

    [Fact]
    public async Task ABounceNamingOurSendIsVerifiedAndOneNamingNothingIsNot()
    {
        var (person, _) = PersonWithSend("ver@example.com", TestData.Now.AddDays(-60), "send-ver@shop.example");
        _db.NewContext().AddPerson("nover@example.com");
        var rules = Rules();

        var verified = await rules.ApplyAsync(Block("ver@example.com", TestData.Now, messageId: "<send-ver@shop.example>"));
        var unverified = await rules.ApplyAsync(Block("nover@example.com", TestData.Now));

        Assert.False(Event(verified.BounceEventId!.Value).Unverified);
        Assert.True(Event(unverified.BounceEventId!.Value).Unverified);
        Assert.True(Reload(person.Id).EmailSuspended);
    }

    [Fact]
    public async Task ASendToThePersonInTheLast30DaysVerifiesABounceWithoutHeaders()
    {
        PersonWithSend("recent@example.com", TestData.Now.AddDays(-10), "send-recent@shop.example");
        PersonWithSend("old@example.com", TestData.Now.AddDays(-40), "send-old@shop.example");
        var rules = Rules(UnverifiedPolicy.Review);

        var recent = await rules.ApplyAsync(Block("recent@example.com", TestData.Now));
        var old = await rules.ApplyAsync(Block("old@example.com", TestData.Now));

        Assert.Equal((ApplyOutcome.Applied, false), (recent.Outcome, Event(recent.BounceEventId!.Value).Unverified));
        Assert.Equal((ApplyOutcome.Held, true), (old.Outcome, Event(old.BounceEventId!.Value).Unverified));
    }

    [Fact]
    public async Task UnderApplyAnUnverifiedBounceIsAppliedAndMarked()
    {
        var person = _db.NewContext().AddPerson("apply@example.com");

        var result = await Rules(UnverifiedPolicy.Apply).ApplyAsync(Unknown("apply@example.com", TestData.Now));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.True(Reload(person.Id).EmailInvalid);
        Assert.True(Event(result.BounceEventId!.Value).Unverified);
    }

    [Fact]
    public async Task UnderReviewAnUnverifiedBounceIsHeldUntilAnAdminApprovesIt()
    {
        var person = _db.NewContext().AddPerson("review@example.com");
        var result = await Rules(UnverifiedPolicy.Review).ApplyAsync(Block("review@example.com", TestData.Now.AddHours(-1)));

        Assert.Equal(ApplyOutcome.Held, result.Outcome);
        Assert.Equal(BounceOutcome.Held, Event(result.BounceEventId!.Value).Outcome);
        Assert.False(Reload(person.Id).EmailSuspended);

        var admin = new HeldBounceService(_db.Factory, FixedCurrentUser.For("admin@example.com", Roles.Admin), _clock);
        var changes = await admin.ApproveAsync(result.BounceEventId!.Value);

        Assert.Contains("Email Suspended", changes);
        var p = Reload(person.Id);
        Assert.True(p.EmailSuspended);
        Assert.Equal(TestData.Now.AddHours(-1), p.EmailSuspendedAt);
        Assert.Equal(BounceOutcome.Applied, Event(result.BounceEventId!.Value).Outcome);
        using var db = _db.NewContext();
        Assert.All(db.AuditEntries.Where(a => a.PersonId == person.Id).ToList(),
            a => Assert.True(a.Actor == "admin@example.com" && a.Reason.Contains("approved by admin@example.com") && a.BounceEventId == result.BounceEventId));
        await Assert.ThrowsAsync<InvalidOperationException>(() => admin.ApproveAsync(result.BounceEventId!.Value));
    }

    [Fact]
    public async Task ARejectedHeldBounceIsIgnoredAndChangesNothing()
    {
        var person = _db.NewContext().AddPerson("reject@example.com");
        var result = await Rules(UnverifiedPolicy.Review).ApplyAsync(Unknown("reject@example.com", TestData.Now));
        var admin = new HeldBounceService(_db.Factory, FixedCurrentUser.For("admin@example.com", Roles.Admin), _clock);

        await admin.RejectAsync(result.BounceEventId!.Value);

        Assert.Equal(BounceOutcome.Ignored, Event(result.BounceEventId!.Value).Outcome);
        Assert.False(Reload(person.Id).EmailInvalid);
        await Assert.ThrowsAsync<InvalidOperationException>(() => admin.ApproveAsync(result.BounceEventId!.Value));
    }

    [Theory]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Marketer)]
    public async Task OnlyAnAdminMayApproveOrRejectAHeldBounce(string role)
    {
        var person = _db.NewContext().AddPerson("role@example.com");
        var result = await Rules(UnverifiedPolicy.Review).ApplyAsync(Block("role@example.com", TestData.Now));
        var other = new HeldBounceService(_db.Factory, FixedCurrentUser.For("someone@example.com", role), _clock);

        await Assert.ThrowsAsync<ForbiddenException>(() => other.ApproveAsync(result.BounceEventId!.Value));
        await Assert.ThrowsAsync<ForbiddenException>(() => other.RejectAsync(result.BounceEventId!.Value));

        Assert.False(Reload(person.Id).EmailSuspended);
        Assert.Equal(BounceOutcome.Held, Event(result.BounceEventId!.Value).Outcome);
    }

    [Fact]
    public async Task UnderIgnoreAnUnverifiedBounceIsKeptAndChangesNothingButAVerifiedOneApplies()
    {
        var ignored = _db.NewContext().AddPerson("ignore@example.com");
        var (verified, _) = PersonWithSend("verified@example.com", TestData.Now.AddDays(-2), "send-v@shop.example");
        var rules = Rules(UnverifiedPolicy.Ignore);

        var a = await rules.ApplyAsync(Unknown("ignore@example.com", TestData.Now));
        var b = await rules.ApplyAsync(Unknown("verified@example.com", TestData.Now));

        Assert.Equal(BounceOutcome.Ignored, Event(a.BounceEventId!.Value).Outcome);
        Assert.False(Reload(ignored.Id).EmailInvalid);
        Assert.Equal(BounceOutcome.Applied, Event(b.BounceEventId!.Value).Outcome);
        Assert.True(Reload(verified.Id).EmailInvalid);
    }

    [Fact]
    public async Task UnderReviewARematchedUnverifiedBounceIsHeldToo()
    {
        var rules = Rules(UnverifiedPolicy.Review);
        var first = await rules.ApplyAsync(Block("later@example.com", TestData.Now));
        Assert.Equal(ApplyOutcome.Unmatched, first.Outcome);
        var person = _db.NewContext().AddPerson("later@example.com");

        await rules.RematchUnmatchedAsync();

        Assert.Equal(BounceOutcome.Held, Event(first.BounceEventId!.Value).Outcome);
        Assert.False(Reload(person.Id).EmailSuspended);
    }

    [Fact]
    public async Task AComplaintThatMatchesNoSendDoesNotUnsubscribe()
    {
        var stranger = _db.NewContext().AddPerson("arf@example.com");
        var (customer, _) = PersonWithSend("customer@example.com", TestData.Now.AddDays(-3), "send-c@shop.example");
        var rules = Rules();

        await rules.ApplyAsync(new BounceInput("arf@example.com", "feedback", "arf-1", TestData.Now, "test"));
        await rules.ApplyAsync(new BounceInput("customer@example.com", "feedback", "arf-2", TestData.Now, "test", OriginalMessageId: "send-c@shop.example"));

        Assert.False(Reload(stranger.Id).Unsubscribed);
        Assert.True(Reload(customer.Id).Unsubscribed);
    }

    private sealed class FixedOptions(BounceTrustOptions value) : IOptionsMonitor<BounceTrustOptions>
    {
        public BounceTrustOptions CurrentValue => value;

        public BounceTrustOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<BounceTrustOptions, string?> listener) => null;
    }
}
