using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Reports;

/// <summary>
/// The report's maintained aggregates: kept by the hooks row by row they equal a rebuild, and the report read from them
/// equals the counting rules applied to the raw rows (an independent computation here, in C#).
/// </summary>
public sealed class EmailStatsTests : IDisposable
{
    private static readonly DateTime Now = TestData.Now;
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private EmailPerformanceService Manager
        => new(_db.Factory, FixedCurrentUser.For("manager@test.local", Roles.Manager), _clock);

    /// <summary>Random sends, repeated sends, events and bounces (linked and attributed), each recorded by its hook.</summary>
    private async Task<List<int>> ArrangeWithHooksAsync(int seed)
    {
        var random = new Random(seed);
        await using var db = _db.NewContext();
        var emails = new[] { db.AddEmail("A one", "Program A"), db.AddEmail("A two", "Program A"), db.AddEmail("B one", "Program B") };
        var people = Enumerable.Range(0, 14).Select(i => db.AddPerson($"p{i}@x.com", p => p.IsDeleted = i % 6 == 0)).ToList();
        var sends = new List<EmailSend>();
        for (var i = 0; i < 70; i++)
        {
            // Sent times straddle day boundaries, the three-day Aborted limit and the frames tested below.
            var sentAt = Now.AddMinutes(-random.Next(0, 9 * 24 * 60));
            var send = db.AddSend(emails[random.Next(emails.Length)], people[random.Next(people.Count)], sentAt);
            await EmailStats.RecordSendAsync(db, send.Id);
            sends.Add(send);

            // Events and bounces for a random earlier send, so sends change bucket after being counted.
            var target = sends[random.Next(sends.Count)];
            switch (random.Next(7))
            {
                case 0:
                    break;
                case 1:
                case 2:
                    db.AddEvent(target, (EmailEventType)random.Next(1, 5), target.SentAt.AddMinutes(3));
                    await EmailStats.RecordEventAsync(db, target.Id);
                    break;
                case 3:
                case 4:
                    var linked = db.AddBounce(target, random.Next(2) == 0 ? BounceKind.Hard : BounceKind.Soft);
                    await EmailStats.RecordBounceAsync(db, linked);
                    break;
                case 5:
                    // Applied without a send: counts for every send of that email to that person at or before it.
                    var attributed = db.AddBounce(target, BounceKind.Soft, target.SentAt.AddHours(random.Next(0, 48)), linkSend: false);
                    await EmailStats.RecordBounceAsync(db, attributed);
                    break;
                default:
                    // Not applied (unmatched) without a send: counts for nothing.
                    var unmatched = db.AddBounce(target, BounceKind.Hard, linkSend: false, outcome: BounceOutcome.Unmatched);
                    await EmailStats.RecordBounceAsync(db, unmatched);
                    break;
            }
        }

        return emails.Select(e => e.Id).ToList();
    }

    private async Task<(List<(DateOnly, int, int, int, int, int, int, int, int, int)> Days, List<(long, int)> Flags, List<(long, int, int, int)> Pairs)> SnapshotAsync()
    {
        await using var db = _db.NewContext();
        var days = (await db.Set<EmailDailyStat>().AsNoTracking().ToListAsync())
            .Where(d => d.Sent != 0 || d.Delivered != 0 || d.Pending != 0 || d.HardBounced != 0 || d.SoftBounced != 0 || d.Opened != 0)
            .Select(d => (d.Day, d.EmailId, d.Sent, d.Delivered, d.HardBounced, d.SoftBounced, d.Pending, d.Opened, d.Clicked, d.Unsubscribed))
            .OrderBy(d => d.Day).ThenBy(d => d.EmailId).ToList();
        var flags = await db.Sends.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, s.ReportFlags }).ToListAsync();
        var repeats = await db.Set<EmailRepeatSend>().AsNoTracking().OrderBy(r => r.SendId).ToListAsync();
        return (days, flags.Select(f => (f.Id, f.ReportFlags)).ToList(), repeats.Select(r => (r.SendId, r.EmailId, r.PersonId, r.ReportFlags)).ToList());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task HooksKeepTheAggregatesEqualToARebuild(int seed)
    {
        await ArrangeWithHooksAsync(seed);
        var incremental = await SnapshotAsync();

        await using (var db = _db.NewContext())
        {
            await EmailStats.RebuildAsync(db);
        }

        var rebuilt = await SnapshotAsync();
        Assert.NotEmpty(rebuilt.Days);
        Assert.NotEmpty(rebuilt.Pairs);
        Assert.Contains(rebuilt.Flags, f => f.Item2 != 0);
        Assert.Equal(rebuilt.Flags, incremental.Flags);
        Assert.Equal(rebuilt.Days, incremental.Days);
        Assert.Equal(rebuilt.Pairs, incremental.Pairs);
    }

    [Fact]
    public async Task BounceAppliedByTheRulesServiceMovesItsSendInTheReport()
    {
        EmailSend send;
        await using (var db = _db.NewContext())
        {
            var email = db.AddEmail("Newsletter");
            send = db.AddSend(email, db.AddPerson("gone@x.com"), Now.AddDays(-1));
            db.AddEvent(send, EmailEventType.Delivered, Now.AddDays(-1));
            await EmailStats.RebuildAsync(db);
        }

        var frame = new EmailPerformanceFilter(Now.AddDays(-7), Now.AddDays(1));
        Assert.Equal((1, 0), Counts(Assert.Single((await Manager.GetReportAsync(frame)).Rows)));

        var rules = new BounceAdmin.Features.Bounces.BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));
        var result = await rules.ApplyAsync(new BounceAdmin.Features.Bounces.BounceInput(
            "gone@x.com", "userunknown", "dedup-1", Now.AddHours(-20), "test", Status: "5.1.1", ReplyCode: 550, SendId: send.Id));

        Assert.Equal(BounceAdmin.Features.Bounces.ApplyOutcome.Applied, result.Outcome);
        Assert.Equal((0, 1), Counts(Assert.Single((await Manager.GetReportAsync(frame)).Rows)));
        var incremental = await SnapshotAsync();
        await using (var db = _db.NewContext())
        {
            await EmailStats.RebuildAsync(db);
        }

        Assert.Equal((await SnapshotAsync()).Days, incremental.Days);

        static (int Delivered, int Hard) Counts(EmailPerformanceRow row) => (row.Delivered, row.HardBounced);
    }

    public static TheoryData<int, double, double, bool, int?, bool> Frames => new()
    {
        // seed, from (days before now), to (days before now), whole days, email index, hide deleted
        { 1, 10, -1, true, null, false },
        { 1, 10, -1, true, null, true },
        { 2, 5, 1, true, 0, false },
        { 2, 8.3, 0.4, false, null, true },
        { 3, 2.75, 2.5, false, null, false },
        { 3, 6, 2, true, 2, true },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task ReportFromTheAggregatesEqualsTheRulesAppliedToTheRows(int seed, double fromDaysAgo, double toDaysAgo, bool wholeDays, int? emailIndex, bool hideDeleted)
    {
        var emailIds = await ArrangeWithHooksAsync(seed);
        var from = Now.AddDays(-fromDaysAgo);
        var to = Now.AddDays(-toDaysAgo);
        if (wholeDays)
        {
            (from, to) = (from.Date, to.Date);
            (from, to) = (DateTime.SpecifyKind(from, DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc));
        }

        var filter = new EmailPerformanceFilter(from, to, null, emailIndex is { } i ? emailIds[i] : null, hideDeleted);

        var report = await Manager.GetReportAsync(filter);
        var expected = await ExpectedAsync(filter, Now - EmailPerformanceService.AbortAfter);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(r => r.EmailId).ToList(), report.Rows.OrderBy(r => r.EmailId).ToList());
    }

    [Fact]
    public async Task ProgramFilterReadsOnlyItsEmailsFromTheAggregates()
    {
        var emailIds = await ArrangeWithHooksAsync(4);
        int programA;
        await using (var db = _db.NewContext())
        {
            programA = await db.Emails.Where(e => e.Id == emailIds[0]).Select(e => e.ProgramId).SingleAsync();
        }

        var filter = new EmailPerformanceFilter(Now.Date.AddDays(-9), Now.Date.AddDays(1), programA);
        var report = await Manager.GetReportAsync(filter);
        var expected = await ExpectedAsync(filter with { ProgramId = null }, Now - EmailPerformanceService.AbortAfter);

        Assert.Equal(
            expected.Where(r => r.EmailId != emailIds[2]).OrderBy(r => r.EmailId).ToList(),
            report.Rows.OrderBy(r => r.EmailId).ToList());
    }

    /// <summary>The counting rules of SPEC §5 applied to the raw rows, per (email, person) pair.</summary>
    private async Task<List<EmailPerformanceRow>> ExpectedAsync(EmailPerformanceFilter filter, DateTime abortedBefore)
    {
        await using var db = _db.NewContext();
        var sends = await db.Sends.AsNoTracking()
            .Where(s => s.SentAt >= filter.From && s.SentAt < filter.To)
            .Where(s => filter.EmailId == null || s.EmailId == filter.EmailId)
            .Where(s => !filter.HideDeletedPeople || !s.Person!.IsDeleted)
            .ToListAsync();
        var events = await db.EmailEvents.AsNoTracking().ToListAsync();
        var bounces = await db.BounceEvents.AsNoTracking().ToListAsync();
        var names = await db.Emails.AsNoTracking().ToDictionaryAsync(e => e.Id, e => e.Name);

        (int Rank, bool Opened, bool Clicked, bool Unsubscribed) Classify(EmailSend s)
        {
            var types = events.Where(e => e.SendId == s.Id).Select(e => e.Type).ToList();
            var kinds = bounces.Where(b => b.SendId == s.Id
                    || (b.SendId == null && b.Outcome == BounceOutcome.Applied && b.PersonId == s.PersonId && b.EmailId == s.EmailId && b.OccurredAt >= s.SentAt))
                .Select(b => b.Kind).ToList();
            var clicked = types.Contains(EmailEventType.Clicked);
            var unsubscribed = types.Contains(EmailEventType.Unsubscribed);
            var opened = clicked || unsubscribed || types.Contains(EmailEventType.Opened);
            var rank = opened ? 3 : kinds.Contains(BounceKind.Hard) ? 1 : kinds.Contains(BounceKind.Soft) ? 2 : types.Contains(EmailEventType.Delivered) ? 3 : 0;
            return (rank, opened, clicked, unsubscribed);
        }

        return sends
            .GroupBy(s => (s.EmailId, s.PersonId))
            .Select(pair =>
            {
                var c = pair.Select(Classify).ToList();
                var rank = c.Max(x => x.Rank);
                return (pair.Key.EmailId, Rank: rank, Overdue: pair.Max(s => s.SentAt) <= abortedBefore,
                    Opened: c.Any(x => x.Opened), Clicked: c.Any(x => x.Clicked), Unsubscribed: c.Any(x => x.Unsubscribed));
            })
            .GroupBy(p => p.EmailId)
            .Select(g => new EmailPerformanceRow(g.Key, names[g.Key], g.Count(),
                g.Count(p => p.Rank == 3), g.Count(p => p.Rank == 1), g.Count(p => p.Rank == 2), g.Count(p => p.Rank == 0),
                g.Count(p => p.Rank == 0 && p.Overdue), g.Count(p => p.Opened), g.Count(p => p.Clicked), g.Count(p => p.Unsubscribed)))
            .ToList();
    }
}
