using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.BounceHealth;

/// <summary>The DomainDailyStats aggregate stays equal to a live count of sends and bounce events.</summary>
public sealed class DomainStatsWriterTests : IDisposable
{
    private static readonly DateTime Day1 = new(2026, 11, 18, 0, 0, 0, DateTimeKind.Utc);
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);
    private readonly BounceRulesService _rules;

    public DomainStatsWriterTests() => _rules = new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));

    public void Dispose() => _db.Dispose();

    private static BounceInput Bounce(string recipient, string reason, DateTime at, string? key = null, string? status = null)
        => new(recipient, reason, key ?? Guid.NewGuid().ToString("N"), at, "test", status, null, $"{status} {reason}");

    private record Counts(int Sent, int Hard, int Soft, int C1, int C2, int C3, int C4, int C9);

    private Dictionary<(DateTime Day, string Domain), Counts> Aggregate()
    {
        using var db = _db.NewContext();
        return db.Set<DomainDailyStat>().AsNoTracking().ToList()
            .ToDictionary(s => (s.Day, s.Domain), s => new Counts(s.Sent, s.HardBounced, s.SoftBounced, s.Category1, s.Category2, s.Category3, s.Category4, s.Category9));
    }

    /// <summary>The live count the aggregate stands for, computed here in memory from the raw rows.</summary>
    private Dictionary<(DateTime Day, string Domain), Counts> LiveRecount()
    {
        using var db = _db.NewContext();
        var sends = db.Sends.AsNoTracking().Select(s => new { s.SentAt, s.Person!.EmailDomain }).ToList()
            .Where(s => s.EmailDomain is not null)
            .Select(s => (Key: (s.SentAt.Date, s.EmailDomain!), Sent: 1, Kind: BounceKind.None, Category: (int?)null));
        var bounces = db.BounceEvents.AsNoTracking().Where(b => b.Category != null).ToList()
            .Select(b => (Key: (b.OccurredAt.Date, b.RecipientDomain), Sent: 0, b.Kind, b.Category));
        return sends.Concat(bounces).GroupBy(x => x.Key).ToDictionary(
            g => (DateTime.SpecifyKind(g.Key.Item1, DateTimeKind.Utc), g.Key.Item2),
            g => new Counts(g.Sum(x => x.Sent), g.Count(x => x.Kind == BounceKind.Hard && x.Category != null),
                g.Count(x => x.Kind == BounceKind.Soft && x.Category != null), g.Count(x => x.Category == 1), g.Count(x => x.Category == 2),
                g.Count(x => x.Category == 3), g.Count(x => x.Category == 4), g.Count(x => x.Category == 9)));
    }

    /// <summary>Sends recorded with the per-send hook, bounces of every kind applied through the rules service.</summary>
    private async Task SeedMixAsync()
    {
        await using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var ann = db.AddPerson("ann@a.com");
        var bob = db.AddPerson("bob@a.com");
        var cy = db.AddPerson("cy@B.org");
        var sends = new List<(DateTime, string?)>();
        foreach (var (person, at) in new[] { (ann, Day1.AddHours(9)), (bob, Day1.AddHours(23)), (cy, Day1.AddHours(1)), (ann, Day1.AddDays(1).AddHours(2)) })
        {
            db.AddSend(email, person, at);
            sends.Add((at, person.EmailDomain));
        }

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await DomainStatsWriter.CountSendsAsync(db, sends);
            await tx.CommitAsync();
        }

        await _rules.ApplyAsync(Bounce("bob@a.com", "userunknown", Day1.AddHours(23).AddMinutes(30), status: "5.1.1"));   // hard, cat 2
        await _rules.ApplyAsync(Bounce("ann@a.com", "blocked", Day1.AddDays(1).AddHours(3), status: "5.7.1"));            // hard, cat 1, next day
        await _rules.ApplyAsync(Bounce("cy@b.org", "mailboxfull", Day1.AddHours(2), status: "4.2.2"));                    // soft, cat 3
        await _rules.ApplyAsync(Bounce("cy@b.org", "networkerror", Day1.AddHours(3), status: "4.4.1"));                   // soft, cat 4
        await _rules.ApplyAsync(Bounce("cy@b.org", "undefined", Day1.AddHours(4)));                                       // soft, cat 9
        await _rules.ApplyAsync(Bounce("nobody@c.net", "userunknown", Day1.AddHours(5), status: "5.1.1"));               // unmatched: counts
        await _rules.ApplyAsync(Bounce("ann@a.com", "vacation", Day1.AddHours(6)));                                       // not a bounce: no
    }

    [Fact]
    public async Task AggregateEqualsALiveRecountAfterSendsAndBounces()
    {
        await SeedMixAsync();

        var aggregate = Aggregate();
        var live = LiveRecount();

        Assert.Equal(live.OrderBy(k => k.Key).ToList(), aggregate.OrderBy(k => k.Key).ToList());
        // Spot checks so an empty or half-filled pair of dictionaries cannot pass.
        Assert.Equal(new Counts(2, 1, 0, 0, 1, 0, 0, 0), aggregate[(Day1, "a.com")]);
        Assert.Equal(new Counts(1, 1, 0, 1, 0, 0, 0, 0), aggregate[(Day1.AddDays(1), "a.com")]);
        Assert.Equal(new Counts(1, 0, 3, 0, 0, 1, 1, 1), aggregate[(Day1, "b.org")]);
        Assert.Equal(new Counts(0, 1, 0, 0, 1, 0, 0, 0), aggregate[(Day1, "c.net")]);
    }

    [Fact]
    public async Task ADuplicateBounceDoesNotCountTwice()
    {
        await using (var db = _db.NewContext())
        {
            db.AddPerson("dee@d.com");
        }

        var first = await _rules.ApplyAsync(Bounce("dee@d.com", "userunknown", Day1.AddHours(8), key: "same-key", status: "5.1.1"));
        var again = await _rules.ApplyAsync(Bounce("dee@d.com", "userunknown", Day1.AddHours(8), key: "same-key", status: "5.1.1"));

        Assert.Equal(ApplyOutcome.Applied, first.Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, again.Outcome);
        var row = Assert.Single(Aggregate());
        Assert.Equal((Day1, "d.com"), row.Key);
        Assert.Equal(1, row.Value.Hard);
        Assert.Equal(1, row.Value.C2);
    }

    [Fact]
    public async Task ABounceInOneMessageWithADuplicateCountsOnlyTheNewOne()
    {
        await using (var db = _db.NewContext())
        {
            db.AddPerson("eve@e.com");
        }

        await _rules.ApplyAsync(Bounce("eve@e.com", "mailboxfull", Day1.AddHours(1), key: "k1", status: "4.2.2"));
        await _rules.ApplyManyAsync([
            Bounce("eve@e.com", "mailboxfull", Day1.AddHours(1), key: "k1", status: "4.2.2"),
            Bounce("eve@e.com", "mailboxfull", Day1.AddHours(2), key: "k2", status: "4.2.2"),
        ]);

        Assert.Equal(2, Assert.Single(Aggregate()).Value.Soft);
    }

    [Fact]
    public async Task ReMatchingAnUnmatchedBounceDoesNotCountItAgain()
    {
        await _rules.ApplyAsync(Bounce("late@f.com", "userunknown", Day1.AddHours(1), status: "5.1.1"));
        await using (var db = _db.NewContext())
        {
            db.AddPerson("late@f.com");
        }

        Assert.Equal(1, await _rules.RematchUnmatchedAsync());

        Assert.Equal(1, Assert.Single(Aggregate()).Value.Hard);
    }

    [Fact]
    public async Task RebuildGivesTheSameNumbersAndIsIdempotent()
    {
        await SeedMixAsync();
        var maintained = Aggregate();

        await using (var db = _db.NewContext())
        {
            await DomainStatsWriter.RebuildAsync(db);
        }

        var rebuilt = Aggregate();
        await using (var db = _db.NewContext())
        {
            await DomainStatsWriter.RebuildAsync(db);
        }

        Assert.Equal(4, maintained.Count);
        Assert.Equal(maintained.OrderBy(k => k.Key).ToList(), rebuilt.OrderBy(k => k.Key).ToList());
        Assert.Equal(rebuilt.OrderBy(k => k.Key).ToList(), Aggregate().OrderBy(k => k.Key).ToList());
    }

    [Fact]
    public async Task RebuildFillsAnEmptyAggregateFromSendsAndBounces()
    {
        await SeedMixAsync();
        await using (var db = _db.NewContext())
        {
            await db.Set<DomainDailyStat>().ExecuteDeleteAsync();
            await DomainStatsWriter.RebuildAsync(db);
        }

        Assert.Equal(LiveRecount().OrderBy(k => k.Key).ToList(), Aggregate().OrderBy(k => k.Key).ToList());
    }
}
