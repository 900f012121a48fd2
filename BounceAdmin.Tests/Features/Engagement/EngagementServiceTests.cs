using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using static BounceAdmin.Tests.Features.Engagement.EngagementTestData;

namespace BounceAdmin.Tests.Features.Engagement;

/// <summary>Deliveries, opens, clicks and unsubscribes: matching, idempotency, the person's Unsubscribed, aggregates.</summary>
public sealed class EngagementServiceTests : IDisposable
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 18, 8, 0, 0, TimeSpan.Zero);
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);
    private readonly long _annSend;
    private readonly long _bobSend;

    public EngagementServiceTests()
    {
        using (var db = _db.NewContext())
        {
            db.AddEmail("Welcome", "Onboarding");
            db.AddPerson("ann@example.com");
            db.AddPerson("bob@example.com");
        }

        var sends = new SendsService(_db.Factory, Writer, _clock).RecordAsync(
        [
            new SendRecord("Welcome", null, null, "ann@example.com", Sent, "s-ann", "ann-msg@mta.example"),
            new SendRecord("Welcome", null, null, "bob@example.com", Sent, "s-bob", "bob-msg@mta.example"),
        ], false).GetAwaiter().GetResult();
        (_annSend, _bobSend) = (sends.Items[0].SendId!.Value, sends.Items[1].SendId!.Value);
    }

    public void Dispose() => _db.Dispose();

    private EngagementService Service(ICurrentUser? caller = null) => new(_db.Factory, caller ?? Writer, _clock);

    private async Task<int> FlagsAsync(long sendId)
    {
        await using var db = _db.NewContext();
        return (await db.Sends.SingleAsync(s => s.Id == sendId)).ReportFlags;
    }

    [Fact]
    public async Task Events_are_matched_by_external_send_id_message_id_send_id_and_email_plus_recipient()
    {
        var result = await Service().RecordAsync(
        [
            new EventRecord(EmailEventType.Delivered, Sent.AddMinutes(1), ExternalSendId: "s-ann"),
            new EventRecord(EmailEventType.Opened, Sent.AddMinutes(5), MessageId: "<ann-msg@mta.example>"),
            new EventRecord(EmailEventType.Clicked, Sent.AddMinutes(6), SendId: _bobSend),
            new EventRecord(EmailEventType.Delivered, Sent.AddMinutes(1), EmailName: "Welcome", Recipient: "BOB@example.com"),
        ]);

        Assert.Equal(4, result.Recorded);
        Assert.Equal([_annSend, _annSend, _bobSend, _bobSend], result.Items.Select(i => i.SendId!.Value));
        Assert.Equal((int)(SendReportFlags.Delivered | SendReportFlags.Opened), await FlagsAsync(_annSend));
        // A click counts as opened too (SPEC §5 rule 3).
        Assert.Equal((int)(SendReportFlags.Delivered | SendReportFlags.Opened | SendReportFlags.Clicked), await FlagsAsync(_bobSend));
        var (maintained, rebuilt) = await AggregatesAndRebuildAsync(_db);
        Assert.Equal(rebuilt, maintained);
    }

    [Fact]
    public async Task The_same_event_posted_twice_is_stored_once()
    {
        var batch = new[] { new EventRecord(EmailEventType.Opened, Sent.AddMinutes(5), ExternalSendId: "s-ann") };
        var keyed = new[] { new EventRecord(EmailEventType.Clicked, Sent.AddMinutes(9), ExternalSendId: "s-ann", DedupKey: "api:ev-1") };
        await Service().RecordAsync(batch);
        await Service().RecordAsync(keyed);
        var (before, _) = await AggregatesAndRebuildAsync(_db);

        var again = await Service().RecordAsync(batch);
        var keyedAgain = await Service().RecordAsync([keyed[0] with { OccurredAt = Sent.AddMinutes(10) }]);

        Assert.Equal(EventItemStatus.Duplicate, again.Items[0].Status);
        Assert.Equal(EventItemStatus.Duplicate, keyedAgain.Items[0].Status);
        await using var db = _db.NewContext();
        Assert.Equal(2, await db.EmailEvents.CountAsync());
        var (after, rebuilt) = await AggregatesAndRebuildAsync(_db);
        Assert.Equal(before, after);
        Assert.Equal(rebuilt, after);
    }

    [Fact]
    public async Task Events_of_unknown_sends_are_reported_unmatched_and_not_stored()
    {
        var result = await Service().RecordAsync(
        [
            new EventRecord(EmailEventType.Opened, Sent, ExternalSendId: "nope"),
            new EventRecord(EmailEventType.Opened, Sent, EmailName: "Welcome", Recipient: "nobody@example.com"),
            // Email + recipient matches only sends at or before the event.
            new EventRecord(EmailEventType.Opened, Sent.AddDays(-1), EmailName: "Welcome", Recipient: "ann@example.com"),
            new EventRecord(EmailEventType.Opened, Sent, ExternalSendId: "s-bob"),
        ]);

        Assert.Equal([EventItemStatus.Unmatched, EventItemStatus.Unmatched, EventItemStatus.Unmatched, EventItemStatus.Recorded],
            result.Items.Select(i => i.Status));
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.EmailEvents.CountAsync());
    }

    [Fact]
    public async Task An_unsubscribe_sets_the_persons_unsubscribed_once_with_an_audit_entry_by_the_key()
    {
        var result = await Service().RecordAsync(
        [
            new EventRecord(EmailEventType.Unsubscribed, Sent.AddHours(1), ExternalSendId: "s-ann"),
            new EventRecord(EmailEventType.Unsubscribed, Sent.AddHours(2), ExternalSendId: "s-ann"),
        ]);

        Assert.Equal(1, result.Unsubscribed);
        await using var db = _db.NewContext();
        var ann = await db.People.SingleAsync(p => p.EmailNormalized == "ann@example.com");
        Assert.True(ann.Unsubscribed);
        Assert.False(ann.EmailSuspended || ann.EmailInvalid);
        var audit = await db.AuditEntries.SingleAsync(a => a.PersonId == ann.Id);
        Assert.Equal(("Unsubscribed", "false", "true"), (audit.Field, audit.OldValue, audit.NewValue));
        Assert.Equal("apikey:crm-sync", audit.Actor);
        Assert.Contains($"send {_annSend}", audit.Reason);
        Assert.False((await db.People.SingleAsync(p => p.EmailNormalized == "bob@example.com")).Unsubscribed);
        Assert.Equal((int)(SendReportFlags.Opened | SendReportFlags.Unsubscribed), await FlagsAsync(_annSend));
    }

    [Fact]
    public async Task An_opened_send_that_then_bounced_counts_as_delivered_and_a_bounce_then_open_moves_it_back()
    {
        var rules = new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));
        await Service().RecordAsync([new EventRecord(EmailEventType.Opened, Sent.AddMinutes(5), ExternalSendId: "s-ann")]);
        await rules.ApplyAsync(new BounceInput("ann@example.com", "mailboxfull", "k-ann", Sent.UtcDateTime.AddHours(1), "test",
            "4.2.2", 452, "452 mailbox full", SendId: _annSend));
        await rules.ApplyAsync(new BounceInput("bob@example.com", "userunknown", "k-bob", Sent.UtcDateTime.AddHours(1), "test",
            "5.1.1", 550, "550 5.1.1 no such user", SendId: _bobSend));
        await Service().RecordAsync([new EventRecord(EmailEventType.Opened, Sent.AddHours(2), ExternalSendId: "s-bob")]);

        await using var db = _db.NewContext();
        var day = await db.Set<EmailDailyStat>().SingleAsync();
        // Both sends were opened: each counts as Delivered, neither as bounced (SPEC §5 rules 2 and 4).
        Assert.Equal((2, 2, 0, 0, 2), (day.Sent, day.Delivered, day.HardBounced, day.SoftBounced, day.Opened));
        var (maintained, rebuilt) = await AggregatesAndRebuildAsync(_db);
        Assert.Equal(rebuilt, maintained);
    }

    [Fact]
    public async Task An_event_that_names_no_send_refuses_the_batch()
    {
        var ex = await Assert.ThrowsAsync<BatchRejectedException>(() => Service().RecordAsync(
        [
            new EventRecord(EmailEventType.Opened, Sent, ExternalSendId: "s-ann"),
            new EventRecord(EmailEventType.Opened, Sent, Recipient: "ann@example.com"),
        ]));

        Assert.Equal(1, Assert.Single(ex.Errors).Index);
        await using var db = _db.NewContext();
        Assert.Equal(0, await db.EmailEvents.CountAsync());
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("mailability-key")]
    [InlineData("people-key")]
    [InlineData("marketer")]
    public async Task Callers_without_events_write_are_refused(string who)
    {
        ICurrentUser caller = who switch
        {
            "anonymous" => FixedCurrentUser.Anonymous,
            "mailability-key" => Key("reader", ApiScopes.MailabilityRead),
            "people-key" => Key("people", ApiScopes.PeopleWrite),
            _ => FixedCurrentUser.For("m@test.local", Roles.Marketer),
        };

        await Assert.ThrowsAsync<ForbiddenException>(() => Service(caller).RecordAsync(
            [new EventRecord(EmailEventType.Unsubscribed, Sent, ExternalSendId: "s-ann")]));

        await using var db = _db.NewContext();
        Assert.Equal(0, await db.EmailEvents.CountAsync());
        Assert.False((await db.People.SingleAsync(p => p.EmailNormalized == "ann@example.com")).Unsubscribed);
    }
}
