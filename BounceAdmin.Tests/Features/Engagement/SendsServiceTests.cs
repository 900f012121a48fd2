using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using static BounceAdmin.Tests.Features.Engagement.EngagementTestData;

namespace BounceAdmin.Tests.Features.Engagement;

/// <summary>Sends coming in: idempotency, emails and people found or created, scopes, whole-or-nothing batches, aggregates.</summary>
public sealed class SendsServiceTests : IDisposable
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 18, 9, 0, 0, TimeSpan.FromHours(1));
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public SendsServiceTests()
    {
        using var db = _db.NewContext();
        db.AddEmail("Welcome", "Onboarding");
        db.AddPerson("ann@example.com");
        db.AddPerson("bob@example.com");
    }

    public void Dispose() => _db.Dispose();

    private SendsService Service(ICurrentUser? caller = null) => new(_db.Factory, caller ?? Writer, _clock);

    private static SendRecord Send(string recipient, string? externalId, string email = "Welcome", string? program = null,
        DateTimeOffset? at = null, string? messageId = null)
        => new(email, null, program, recipient, at ?? Sent, externalId, messageId);

    [Fact]
    public async Task Records_sends_with_their_email_person_and_utc_time()
    {
        var result = await Service().RecordAsync([Send("Ann@Example.com", "s-1", messageId: "<m1@mta.example>")], createPeople: false);

        Assert.Equal(1, result.Created);
        await using var db = _db.NewContext();
        var send = await db.Sends.Include(s => s.Email).Include(s => s.Person).SingleAsync();
        Assert.Equal(result.Items[0].SendId, send.Id);
        Assert.Equal("Welcome", send.Email!.Name);
        Assert.Equal("ann@example.com", send.Person!.EmailNormalized);
        Assert.Equal(new DateTime(2026, 11, 18, 8, 0, 0), send.SentAt);
        Assert.Equal("s-1", send.ExternalId);
        Assert.Equal("m1@mta.example", send.MessageId);
    }

    [Fact]
    public async Task Posting_the_same_sends_again_changes_nothing()
    {
        var batch = new[] { Send("ann@example.com", "s-1"), Send("bob@example.com", "s-2") };
        var first = await Service().RecordAsync(batch, false);
        var (aggregatesBefore, _) = await AggregatesAndRebuildAsync(_db);

        var second = await Service().RecordAsync(batch, false);

        Assert.Equal(2, first.Created);
        Assert.Equal(0, second.Created);
        Assert.Equal(2, second.Duplicates);
        Assert.All(second.Items, i => Assert.Equal(SendItemStatus.Duplicate, i.Status));
        Assert.Equal(first.Items.Select(i => i.SendId), second.Items.Select(i => i.SendId));
        await using var db = _db.NewContext();
        Assert.Equal(2, await db.Sends.CountAsync());
        var (aggregatesAfter, rebuilt) = await AggregatesAndRebuildAsync(_db);
        Assert.Equal(aggregatesBefore, aggregatesAfter);
        Assert.Equal(rebuilt, aggregatesAfter);
    }

    [Fact]
    public async Task Without_an_external_id_the_message_id_makes_a_resend_a_duplicate()
    {
        await Service().RecordAsync([Send("ann@example.com", null, messageId: "<m1@mta.example>")], false);
        var again = await Service().RecordAsync([Send("ann@example.com", null, messageId: "m1@mta.example"), Send("ann@example.com", "x", messageId: "m1@mta.example")], false);

        Assert.Equal(SendItemStatus.Duplicate, again.Items[0].Status);
        // An external id is the send's identity when given: the same Message-ID with a new external id is a new send.
        Assert.Equal(SendItemStatus.Created, again.Items[1].Status);
    }

    [Fact]
    public async Task A_duplicate_external_id_within_one_batch_is_stored_once()
    {
        var result = await Service().RecordAsync([Send("ann@example.com", "s-1"), Send("bob@example.com", "s-1")], false);

        Assert.Equal([SendItemStatus.Created, SendItemStatus.Duplicate], result.Items.Select(i => i.Status));
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.Sends.CountAsync());
    }

    [Fact]
    public async Task Unknown_recipients_are_reported_and_not_created_unless_asked()
    {
        var result = await Service().RecordAsync([Send("ann@example.com", "s-1"), Send("new@example.com", "s-2")], false);

        Assert.Equal([SendItemStatus.Created, SendItemStatus.UnknownRecipient], result.Items.Select(i => i.Status));
        Assert.Null(result.Items[1].SendId);
        Assert.Equal(1, result.UnknownRecipients);
        await using var db = _db.NewContext();
        Assert.False(await db.People.AnyAsync(p => p.EmailNormalized == "new@example.com"));
        Assert.Equal(1, await db.Sends.CountAsync());
    }

    [Fact]
    public async Task Unknown_recipients_become_people_when_asked_with_people_write()
    {
        var result = await Service(WriterWithPeople).RecordAsync([Send("New.Person@Example.com", "s-1"), Send("new.person@example.com", "s-2")], true);

        Assert.Equal(2, result.Created);
        Assert.Equal(1, result.PeopleCreated);
        await using var db = _db.NewContext();
        var person = await db.People.SingleAsync(p => p.EmailNormalized == "new.person@example.com");
        Assert.Equal("New.Person@Example.com", person.Email);
        Assert.Equal("example.com", person.EmailDomain);
        Assert.False(person.EmailSuspended || person.EmailInvalid || person.Unsubscribed);
        Assert.Equal(2, await db.Sends.CountAsync(s => s.PersonId == person.Id));
    }

    [Fact]
    public async Task Creating_people_needs_the_people_write_scope()
    {
        var ex = await Assert.ThrowsAsync<ForbiddenException>(() => Service(Writer).RecordAsync([Send("new@example.com", "s-1")], true));

        Assert.Contains(ApiScopes.PeopleWrite, ex.Message);
        await using var db = _db.NewContext();
        Assert.False(await db.People.AnyAsync(p => p.EmailNormalized == "new@example.com"));
    }

    public static TheoryData<string> CallersWithoutEventsWrite => ["anonymous", "mailability-key", "people-key", "marketer", "manager"];

    [Theory]
    [MemberData(nameof(CallersWithoutEventsWrite))]
    public async Task Callers_without_events_write_are_refused(string who)
    {
        ICurrentUser caller = who switch
        {
            "anonymous" => FixedCurrentUser.Anonymous,
            "mailability-key" => Key("reader", ApiScopes.MailabilityRead),
            "people-key" => Key("people", ApiScopes.PeopleWrite),
            "marketer" => FixedCurrentUser.For("m@test.local", Roles.Marketer),
            _ => FixedCurrentUser.For("g@test.local", Roles.Manager),
        };

        await Assert.ThrowsAsync<ForbiddenException>(() => Service(caller).RecordAsync([Send("ann@example.com", "s-1")], false));

        await using var db = _db.NewContext();
        Assert.Equal(0, await db.Sends.CountAsync());
    }

    [Fact]
    public async Task An_admin_identity_may_record_sends_as_the_command_line_and_seeder_do()
    {
        var result = await Service(FixedCurrentUser.For("cli", Roles.Admin)).RecordAsync([Send("ann@example.com", "s-1")], true);

        Assert.Equal(1, result.Created);
    }

    [Fact]
    public async Task A_new_email_is_created_with_its_program_and_found_again_by_external_id()
    {
        var first = await Service().RecordAsync(
            [new SendRecord("Black Friday", "em-77", "Promotions 2026", "ann@example.com", Sent, "s-1", null)], false);
        var second = await Service().RecordAsync([new SendRecord(null, "em-77", null, "bob@example.com", Sent, "s-2", null)], false);

        Assert.Equal(1, first.EmailsCreated);
        Assert.Equal(0, second.EmailsCreated);
        await using var db = _db.NewContext();
        var email = await db.Emails.Include(e => e.Program).SingleAsync(e => e.ExternalId == "em-77");
        Assert.Equal("Black Friday", email.Name);
        Assert.Equal("Promotions 2026", email.Program!.Name);
        Assert.Equal(2, await db.Sends.CountAsync(s => s.EmailId == email.Id));
    }

    [Fact]
    public async Task An_unknown_email_refuses_the_whole_batch_naming_the_item()
    {
        var ex = await Assert.ThrowsAsync<BatchRejectedException>(() => Service().RecordAsync(
            [Send("ann@example.com", "s-1"), new SendRecord(null, "no-such-email", null, "bob@example.com", Sent, "s-2", null)], false));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(1, error.Index);
        Assert.Equal("emailExternalId", error.Field);
        Assert.Contains("no-such-email", error.Message);
        await using var db = _db.NewContext();
        Assert.Equal(0, await db.Sends.CountAsync());
    }

    [Fact]
    public async Task An_invalid_item_refuses_the_whole_batch_with_every_error_named()
    {
        var ex = await Assert.ThrowsAsync<BatchRejectedException>(() => Service().RecordAsync(
            [Send("ann@example.com", "s-1"), Send("not an address", "s-2"), Send("bob@example.com", null), new SendRecord(null, null, null, "ann@example.com", Sent, "s-4", null)],
            false));

        Assert.Equal([(1, "recipient"), (2, "externalId"), (3, "emailName")], ex.Errors.Select(e => (e.Index, e.Field)));
        await using var db = _db.NewContext();
        Assert.Equal(0, await db.Sends.CountAsync());
    }

    [Fact]
    public async Task More_than_ten_thousand_sends_are_refused()
    {
        var batch = Enumerable.Range(0, EngagementLimits.MaxBatch + 1).Select(i => Send("ann@example.com", $"s-{i}")).ToList();

        await Assert.ThrowsAsync<BatchRejectedException>(() => Service().RecordAsync(batch, false));
    }

    [Fact]
    public async Task Aggregates_equal_a_rebuild_with_repeats_and_bounces_that_came_before_the_sends()
    {
        await using (var db = _db.NewContext())
        {
            // A bounce applied without a send, after the sends below: the report attributes it to them.
            var email = await db.Emails.SingleAsync();
            var bob = await db.People.SingleAsync(p => p.EmailNormalized == "bob@example.com");
            db.BounceEvents.Add(new BounceEvent
            {
                PersonId = bob.Id, EmailId = email.Id, Recipient = "bob@example.com", RecipientDomain = "example.com",
                Category = 3, Reason = "mailboxfull", Kind = BounceKind.Soft, Source = "test", DedupKey = "b1",
                OccurredAt = Sent.UtcDateTime.AddHours(5), ReceivedAt = Sent.UtcDateTime.AddHours(5), Outcome = BounceOutcome.Applied,
            });
            await db.SaveChangesAsync();
            // Written past the applier, so Bounce health's per-domain days are brought up to date the way it would.
            await BounceAdmin.Features.BounceHealth.DomainStatsWriter.RebuildAsync(db);
        }

        await Service().RecordAsync([Send("ann@example.com", "s-1"), Send("bob@example.com", "s-2"), Send("ann@example.com", "s-3", at: Sent.AddDays(1))], false);
        await Service().RecordAsync([Send("ann@example.com", "s-4", at: Sent.AddDays(-3)), Send("bob@example.com", "s-5", email: "Other", program: "Onboarding")], false);

        var (maintained, rebuilt) = await AggregatesAndRebuildAsync(_db);
        Assert.Equal(rebuilt, maintained);
        await using var check = _db.NewContext();
        var bobSend = await check.Sends.SingleAsync(s => s.ExternalId == "s-2");
        Assert.Equal((int)SendReportFlags.SoftBounced, bobSend.ReportFlags);
        Assert.Equal(3, await check.Set<EmailRepeatSend>().CountAsync());
    }

    [Fact]
    public async Task A_bounce_for_a_posted_send_is_matched_to_it_by_message_id_and_by_send_id()
    {
        var result = await Service().RecordAsync(
            [Send("ann@example.com", "s-1", messageId: "<abc@mta.example>"), Send("bob@example.com", "s-2", messageId: "def@mta.example")], false);
        var rules = new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));

        var byMessageId = await rules.ApplyAsync(new BounceInput("ann@example.com", "userunknown", "k1", TestData.Now, "test",
            "5.1.1", 550, "550 5.1.1 user unknown", OriginalMessageId: "<abc@mta.example>"));
        var bySendId = await rules.ApplyAsync(new BounceInput("bob@example.com", "mailboxfull", "k2", TestData.Now, "test",
            "4.2.2", 452, "452 4.2.2 mailbox full", SendId: result.Items[1].SendId));

        await using var db = _db.NewContext();
        Assert.Equal(result.Items[0].SendId, (await db.BounceEvents.SingleAsync(b => b.Id == byMessageId.BounceEventId)).SendId);
        Assert.Equal(result.Items[1].SendId, (await db.BounceEvents.SingleAsync(b => b.Id == bySendId.BounceEventId)).SendId);
        var (maintained, rebuilt) = await AggregatesAndRebuildAsync(_db);
        Assert.Equal(rebuilt, maintained);
    }
}
