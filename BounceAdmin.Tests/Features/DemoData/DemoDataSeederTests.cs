using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.DemoData;
using BounceAdmin.Features.People;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace BounceAdmin.Tests.Features.DemoData;

/// <summary>
/// Seeds one empty database once for the class (it takes seconds) and checks what a demo needs is there.
/// </summary>
public sealed class DemoDataSeederTests(DemoDataSeederTests.SeededDatabase seeded, ITestOutputHelper output)
    : IClassFixture<DemoDataSeederTests.SeededDatabase>
{
    public sealed class SeededDatabase : IAsyncLifetime
    {
        public SqliteTestDatabase Db { get; } = new();
        public TestClock Clock { get; } = new(TestData.Now);
        public DemoDataSummary? First { get; private set; }

        public DemoDataSeeder NewSeeder()
            => new(Db.Factory, new BounceRulesService(Db.Factory, Clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)), Clock, Log);

        /// <summary>The seeder's own log line, with its phase timings.</summary>
        public ListLogger Log { get; } = new();

        public async Task InitializeAsync() => First = await NewSeeder().SeedIfEmptyAsync();

        public Task DisposeAsync()
        {
            Db.Dispose();
            return Task.CompletedTask;
        }
    }

    private DateTime Now => seeded.Clock.UtcNow;

    [Fact]
    public async Task SeedsPeopleProgramsAndEmails()
    {
        Assert.NotNull(seeded.First);
        output.WriteLine($"Seed: {seeded.First}");
        seeded.Log.Lines.ForEach(output.WriteLine);
        await using var db = seeded.Db.NewContext();
        Assert.True(await db.People.CountAsync() >= 5000);
        Assert.Equal(3, await db.Programs.CountAsync());
        Assert.Equal(20, await db.Emails.CountAsync());
        Assert.True(await db.People.Select(p => p.EmailDomain).Distinct().CountAsync() >= 10);
        Assert.True(await db.People.AnyAsync(p => p.IsDeleted));
        Assert.True(await db.People.AnyAsync(p => p.MarketingSuspended));
        Assert.True(await db.People.AnyAsync(p => p.Blocklisted));
        Assert.False(await db.Sends.AnyAsync(s => s.MessageId == null));
        Assert.False(await db.Sends.AnyAsync(s => s.SentAt > Now || s.SentAt < Now.AddDays(-90)));
    }

    [Fact]
    public async Task EngagementRatesAreRealistic()
    {
        await using var db = seeded.Db.NewContext();
        double sends = await db.Sends.CountAsync();
        double Rate(EmailEventType t) => db.EmailEvents.Where(e => e.Type == t).Select(e => e.SendId).Distinct().Count() / sends;
        var delivered = Rate(EmailEventType.Delivered);
        var opened = Rate(EmailEventType.Opened);
        var clicked = Rate(EmailEventType.Clicked);
        var unsubscribed = Rate(EmailEventType.Unsubscribed);
        output.WriteLine($"sends {sends}, delivered {delivered:P1}, opened {opened:P1}, clicked {clicked:P2}, unsubscribed {unsubscribed:P2}");
        Assert.InRange(delivered, 0.90, 0.97);
        Assert.InRange(opened, 0.15, 0.25);
        Assert.InRange(clicked, 0.015, 0.05);
        Assert.InRange(unsubscribed, 0.001, 0.006);
    }

    [Fact]
    public async Task RecentSendsArePartlyPendingAndSomeOlderOnesAborted()
    {
        await using var db = seeded.Db.NewContext();
        var answered = db.Sends.Where(s => db.EmailEvents.Any(e => e.SendId == s.Id) || db.BounceEvents.Any(b => b.SendId == s.Id));
        var silent = db.Sends.Where(s => !answered.Select(a => a.Id).Contains(s.Id));
        Assert.True(await silent.CountAsync(s => s.SentAt > Now.AddDays(-3)) > 0, "no pending recent sends");
        Assert.True(await silent.CountAsync(s => s.SentAt < Now.AddDays(-3)) > 0, "no aborted older sends");
        Assert.True(await answered.CountAsync(s => s.SentAt > Now.AddDays(-3)) > 0, "recent sends all pending");
    }

    [Fact]
    public async Task BouncesOfEveryCategoryAreLinkedToSends()
    {
        await using var db = seeded.Db.NewContext();
        var categories = await db.BounceEvents.Where(b => b.Category != null).Select(b => b.Category!.Value).Distinct().ToListAsync();
        Assert.Equal([1, 2, 3, 4, 9], categories.Order());
        Assert.True(await db.BounceEvents.AnyAsync(b => b.Outcome == BounceOutcome.NotABounce));
        Assert.True(await db.BounceEvents.AnyAsync(b => b.Outcome == BounceOutcome.Unmatched));
        Assert.True(await db.BounceEvents.AnyAsync(b => b.SuspectedFalsePositive));
        Assert.False(await db.BounceEvents.AnyAsync(b => b.Outcome == BounceOutcome.Applied && (b.SendId == null || b.EmailId == null)));
        Assert.False(await db.BounceEvents.AnyAsync(b => b.Diagnostic == null || b.Rule == null));
        Assert.False(await db.BounceEvents.AnyAsync(b => b.OccurredAt > Now));
    }

    [Fact]
    public async Task EveryStatusAPersonCanHaveIsPresent()
    {
        await using var db = seeded.Db.NewContext();
        var suspended = await db.People.Where(p => p.EmailSuspended).ToListAsync();
        Assert.Contains(suspended, p => PersonStatus.IsSuspendedNow(p.EmailSuspendedAt, Now));
        Assert.Contains(suspended, p => !PersonStatus.IsSuspendedNow(p.EmailSuspendedAt, Now) && PersonStatus.Of(p, Now).Mailable);
        Assert.True(await db.People.AnyAsync(p => p.EmailInvalid && p.EmailInvalidCause != null));
        Assert.True(await db.People.AnyAsync(p => p.Unsubscribed));
        Assert.True(await db.People.AnyAsync(p => p.Email == null));

        // Complaints went through the rules service, which unsubscribed the person and said so.
        Assert.True(await db.BounceEvents.AnyAsync(b => b.Reason == "feedback" && b.Changes != null && b.Person!.Unsubscribed));

        // A person suspended twice: the second bounce moved Email Suspended At forward, with its own audit entry.
        Assert.True(await db.People.AnyAsync(p => db.AuditEntries.Count(a => a.PersonId == p.Id && a.Field == FieldLabels.EmailSuspendedAt) >= 2));
    }

    [Fact]
    public async Task EveryBounceFieldChangeHasItsAuditEntry()
    {
        await using var db = seeded.Db.NewContext();
        var invalidWithoutAudit = await db.People
            .Where(p => p.EmailInvalid && !db.AuditEntries.Any(a => a.PersonId == p.Id && a.Field == FieldLabels.EmailInvalid && a.BounceEventId != null))
            .CountAsync();
        var suspendedWithoutAudit = await db.People
            .Where(p => p.EmailSuspended && !db.AuditEntries.Any(a => a.PersonId == p.Id && a.Field == FieldLabels.EmailSuspended && a.BounceEventId != null))
            .CountAsync();
        Assert.Equal(0, invalidWithoutAudit);
        Assert.Equal(0, suspendedWithoutAudit);
        Assert.True(await db.People.CountAsync(p => p.EmailInvalid) > 0);
        Assert.True(await db.People.CountAsync(p => p.EmailSuspended) > 0);
    }

    private static readonly FixedCurrentUser Manager = FixedCurrentUser.For("manager@test.local", Roles.Manager);

    private EmailPerformanceService Report() => new(seeded.Db.Factory, Manager, seeded.Clock);

    /// <summary>The whole demo period (the last 90 days and today), on whole UTC days.</summary>
    private EmailPerformanceFilter Frame(int? emailId = null)
    {
        var to = DateTime.SpecifyKind(Now.Date.AddDays(1), DateTimeKind.Utc);
        return new EmailPerformanceFilter(to.AddDays(-100), to, EmailId: emailId);
    }

    [Fact]
    public async Task PeopleWithAnAddressComeFromTheDemoImportBatch()
    {
        await using var db = seeded.Db.NewContext();
        var batch = Assert.Single(await db.ImportBatches.ToListAsync());
        Assert.Equal(DemoDataSeeder.ImportBatchName, batch.Name);
        Assert.Equal(ImportBatchStatus.Completed, batch.Status);
        Assert.Equal(0, batch.Rejected);
        var withEmail = await db.People.CountAsync(p => p.Email != null);
        Assert.Equal(withEmail, batch.Created);
        Assert.Equal(withEmail, await db.People.CountAsync(p => p.ImportBatchId == batch.Id));
        Assert.False(await db.People.AnyAsync(p => p.Email == null && p.ImportBatchId != null));
        // The import lies before the first email, so no one was mailed before they existed.
        Assert.True(batch.StartedAt < await db.Sends.MinAsync(s => s.SentAt));
        Assert.False(await db.Sends.AnyAsync(s => s.SentAt < s.Person!.CreatedAt));
    }

    [Fact]
    public async Task RepeatedSendsOfOneEmailToOnePersonCountOnceInTheReport()
    {
        await using var db = seeded.Db.NewContext();
        var repeatedEmails = await db.Sends.GroupBy(s => new { s.EmailId, s.PersonId }).Where(g => g.Count() > 1)
            .Select(g => g.Key.EmailId).Distinct().ToListAsync();
        Assert.True(repeatedEmails.Count >= 2, $"repeated sends on {repeatedEmails.Count} emails");

        foreach (var emailId in repeatedEmails)
        {
            var sends = await db.Sends.CountAsync(s => s.EmailId == emailId);
            var pairs = await db.Sends.Where(s => s.EmailId == emailId).Select(s => s.PersonId).Distinct().CountAsync();
            var totals = (await Report().GetReportAsync(Frame(emailId))).Totals;
            Assert.True(pairs < sends);
            Assert.Equal(pairs, totals.Sent);
            Assert.Equal(totals.Sent, totals.Delivered + totals.HardBounced + totals.SoftBounced + totals.Pending);
        }
    }

    [Fact]
    public async Task SendsOpenedAndThenBouncedCountAsOpenedNotBounced()
    {
        await using var db = seeded.Db.NewContext();
        var openedThenBounced = await db.Sends
            .Select(s => new
            {
                s.EmailId,
                s.PersonId,
                OpenedAt = db.EmailEvents.Where(e => e.SendId == s.Id && e.Type == EmailEventType.Opened).Min(e => (DateTime?)e.OccurredAt),
                Bounce = db.BounceEvents.Where(b => b.SendId == s.Id && b.Category != null).OrderBy(b => b.OccurredAt)
                    .Select(b => new { b.OccurredAt, b.Kind }).FirstOrDefault(),
            })
            .Where(x => x.OpenedAt != null && x.Bounce != null)
            .ToListAsync();
        Assert.True(openedThenBounced.Count >= 4, $"{openedThenBounced.Count} opened-then-bounced sends");
        Assert.All(openedThenBounced, x => Assert.True(x.Bounce!.OccurredAt > x.OpenedAt));
        Assert.Contains(openedThenBounced, x => x.Bounce!.Kind == BounceKind.Hard);
        Assert.Contains(openedThenBounced, x => x.Bounce!.Kind == BounceKind.Soft);

        // Rule 4: opened wins, so none of these people is behind the email's bounce counts; all are behind Opened.
        foreach (var email in openedThenBounced.GroupBy(x => x.EmailId))
        {
            async Task<HashSet<int>> People(EmailPerformanceMetric metric)
                => (await Report().GetPeopleAsync(Frame(email.Key), metric, 0, EmailPerformanceService.MaxPageSize)).Items.Select(p => p.PersonId).ToHashSet();
            var hard = await People(EmailPerformanceMetric.HardBounced);
            var soft = await People(EmailPerformanceMetric.SoftBounced);
            var opened = await People(EmailPerformanceMetric.Opened);
            var delivered = await People(EmailPerformanceMetric.Delivered);
            foreach (var x in email)
            {
                Assert.DoesNotContain(x.PersonId, hard);
                Assert.DoesNotContain(x.PersonId, soft);
                Assert.Contains(x.PersonId, opened);
                Assert.Contains(x.PersonId, delivered);
            }
        }
    }

    [Fact]
    public async Task SomeoneHasASoftBounceFollowedByAHardOne()
    {
        await using var db = seeded.Db.NewContext();
        var people = await db.People
            .Where(p => db.BounceEvents.Any(s => s.PersonId == p.Id && s.Category != null && s.Kind == BounceKind.Soft
                && db.BounceEvents.Any(h => h.PersonId == p.Id && h.Category != null && h.Kind == BounceKind.Hard
                    && h.OccurredAt > s.OccurredAt && h.EmailId != s.EmailId)))
            .Select(p => new { p.Id, p.EmailInvalid })
            .ToListAsync();
        Assert.NotEmpty(people);
        Assert.Contains(people, p => p.EmailInvalid);
    }

    [Fact]
    public async Task OneDomainHasAHardBounceIncidentOnTheBounceHealthPage()
    {
        var service = new BounceHealthService(seeded.Db.Factory, Manager);
        var frame = Frame();
        var incidents = await service.GetIncidentsAsync(frame.From, frame.To);
        output.WriteLine(string.Join(Environment.NewLine, incidents));
        var incident = Assert.Single(incidents, i => i.Domain == DemoDataSeeder.IncidentDomain);
        Assert.Equal(Now.AddDays(-30).Date, incident.Day);
        Assert.True(incident.HardRate >= 3 * incident.BaselineRate, $"{incident.HardRate:P1} against a baseline of {incident.BaselineRate:P1}");
        Assert.True(incident.Category2 >= 5);
    }

    [Fact]
    public async Task SeedingAgainDoesNothing()
    {
        await using var before = seeded.Db.NewContext();
        var counts = (await before.People.CountAsync(), await before.Sends.CountAsync(), await before.BounceEvents.CountAsync(), await before.AuditEntries.CountAsync());

        var second = await seeded.NewSeeder().SeedIfEmptyAsync();

        Assert.Null(second);
        await using var after = seeded.Db.NewContext();
        Assert.Equal(counts, (await after.People.CountAsync(), await after.Sends.CountAsync(), await after.BounceEvents.CountAsync(), await after.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task TheSameClockGivesTheSameData()
    {
        using var other = new SqliteTestDatabase();
        var seeder = new DemoDataSeeder(other.Factory, new BounceRulesService(other.Factory, seeded.Clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)), seeded.Clock, NullLogger<DemoDataSeeder>.Instance);
        var summary = await seeder.SeedIfEmptyAsync();

        Assert.NotNull(summary);
        Assert.Equal(seeded.First! with { Elapsed = default }, summary with { Elapsed = default });
        await using var a = seeded.Db.NewContext();
        await using var b = other.NewContext();
        Assert.Equal(
            await a.People.OrderBy(p => p.Id).Take(50).Select(p => p.EmailNormalized).ToListAsync(),
            await b.People.OrderBy(p => p.Id).Take(50).Select(p => p.EmailNormalized).ToListAsync());
    }
}

/// <summary>Keeps log lines so a test can print them.</summary>
public sealed class ListLogger : ILogger<DemoDataSeeder>
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Add(formatter(state, exception));
}
