using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.BounceHealth;

/// <summary>Top domains, daily series, the incident rule and the roles of <see cref="BounceHealthService"/>.</summary>
public sealed class BounceHealthServiceTests : IDisposable
{
    private static readonly DateTime Spike = new(2026, 11, 18, 0, 0, 0, DateTimeKind.Utc);
    private readonly SqliteTestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private BounceHealthService Service(params string[] roles)
        => new(_db.Factory, roles.Length == 0 ? FixedCurrentUser.Anonymous : FixedCurrentUser.For("someone@test.local", roles));

    private BounceHealthService Manager => Service(Roles.Manager);

    [Fact]
    public async Task TopDomainsAreRankedBySendsWithRatesCategoriesAndTotals()
    {
        using (var db = _db.NewContext())
        {
            db.AddStat(Spike, "big.com", sent: 1000, hard: 30, soft: 20, cat1: 10, cat4: 5, cat9: 1);
            db.AddStat(Spike.AddDays(1), "big.com", sent: 1000, hard: 10, soft: 0);
            db.AddStat(Spike, "mid.com", sent: 500, hard: 100, soft: 50);
            db.AddStat(Spike, "small.com", sent: 10, hard: 0, soft: 1);
            db.AddStat(Spike.AddDays(2), "outside.com", sent: 99999, hard: 1);  // after the frame (To is exclusive)
            db.AddStat(Spike.AddDays(-1), "before.com", sent: 99999, hard: 1);  // before the frame
        }

        var summary = await Manager.GetTopDomainsAsync(Spike, Spike.AddDays(2), DomainRanking.Sends, take: 2);

        Assert.Equal(3, summary.DomainCount);
        Assert.Equal(["big.com", "mid.com"], summary.Rows.Select(r => r.Domain));
        var big = summary.Rows[0];
        Assert.Equal((2000, 40, 20), (big.Sent, big.HardBounced, big.SoftBounced));
        Assert.Equal((10, 30, 14, 5, 1), (big.Category1, big.Category2, big.Category3, big.Category4, big.Category9));
        Assert.Equal(0.03, big.BounceRate, 6);
        Assert.Equal(0.02, big.HardRate, 6);
        Assert.Equal(0.01, big.SoftRate, 6);
        Assert.Equal(0.2, summary.Rows[1].HardRate, 6);
        Assert.Equal((2510, 140, 71), (summary.Totals.Sent, summary.Totals.HardBounced, summary.Totals.SoftBounced));
        Assert.Null(summary.Totals.Domain);
    }

    [Fact]
    public async Task TopDomainsCanBeRankedByBounces()
    {
        using (var db = _db.NewContext())
        {
            db.AddStat(Spike, "big.com", sent: 1000, hard: 5, soft: 5);
            db.AddStat(Spike, "mid.com", sent: 500, hard: 100, soft: 50);
            db.AddStat(Spike, "late.com", sent: 0, hard: 20, soft: 0);
        }

        var summary = await Manager.GetTopDomainsAsync(Spike, Spike.AddDays(1), DomainRanking.Bounces, take: 10);

        Assert.Equal(["mid.com", "late.com", "big.com"], summary.Rows.Select(r => r.Domain));
        Assert.Equal(0, summary.Rows[1].HardRate); // no sends: no rate rather than a division by zero
    }

    [Fact]
    public async Task DailySeriesHasEveryDayOfTheFrameOverallAndForOneDomain()
    {
        using (var db = _db.NewContext())
        {
            db.AddStat(Spike, "a.com", sent: 100, hard: 10, soft: 5);
            db.AddStat(Spike, "b.com", sent: 300, hard: 2, soft: 0);
            db.AddStat(Spike.AddDays(2), "a.com", sent: 50, hard: 0, soft: 1);
        }

        var overall = await Manager.GetDailySeriesAsync(Spike, Spike.AddDays(3));
        var oneDomain = await Manager.GetDailySeriesAsync(Spike, Spike.AddDays(3), " A.com ");

        Assert.Equal([Spike, Spike.AddDays(1), Spike.AddDays(2)], overall.Select(p => p.Day));
        Assert.Equal([400, 0, 50], overall.Select(p => p.Sent));
        Assert.Equal(12.0 / 400, overall[0].HardRate, 6);
        Assert.Equal([100, 0, 50], oneDomain.Select(p => p.Sent));
        Assert.Equal([10, 0, 0], oneDomain.Select(p => p.HardBounced));
        Assert.Equal(0.15, oneDomain[0].BounceRate, 6);
    }

    [Fact]
    public async Task ASpikeAboveTheDomainsOwnBaselineIsAnIncidentWithALinkToItsBounces()
    {
        using (var db = _db.NewContext())
        {
            db.AddDays(Spike.AddDays(-30), Spike, "spiky.com", sent: 100, hard: 1);   // baseline 1 %
            db.AddStat(Spike, "spiky.com", sent: 100, hard: 20, cat1: 2);              // 20 %, well above max(3 %, 6 %)
            db.AddDays(Spike.AddDays(-30), Spike.AddDays(1), "calm.com", sent: 100, hard: 1);
        }

        var incidents = await Manager.GetIncidentsAsync(Spike.AddDays(-6), Spike.AddDays(1));

        var incident = Assert.Single(incidents);
        Assert.Equal(("spiky.com", Spike, 100, 20, 18), (incident.Domain, incident.Day, incident.Sent, incident.HardBounced, incident.Category2));
        Assert.Equal(0.01, incident.BaselineRate, 6);
        Assert.Equal(3000, incident.BaselineSent);
        Assert.Equal(0.2, incident.HardRate, 6);
        Assert.Equal("/bounces?domain=spiky.com&from=2026-11-18&to=2026-11-18&kind=Hard", incident.BouncesLink);
    }

    [Fact]
    public async Task ASteadyHighRateIsNotAnIncident()
    {
        using (var db = _db.NewContext())
        {
            db.AddDays(Spike.AddDays(-30), Spike.AddDays(1), "alwaysbad.com", sent: 100, hard: 20);
        }

        Assert.Empty(await Manager.GetIncidentsAsync(Spike.AddDays(-6), Spike.AddDays(1)));
    }

    [Fact]
    public async Task ATinyDayIsNotAnIncident()
    {
        using (var db = _db.NewContext())
        {
            db.AddDays(Spike.AddDays(-30), Spike, "tiny.com", sent: 100, hard: 0);
            db.AddStat(Spike, "tiny.com", sent: 10, hard: 5);  // 50 %, but fewer sends than the rule's minimum
            db.AddDays(Spike.AddDays(-30), Spike, "few.com", sent: 100, hard: 0);
            db.AddStat(Spike, "few.com", sent: 100, hard: 4);  // 4 %: above 3 × 0, but under baseline + 5 points and under 5 bounces
        }

        Assert.Empty(await Manager.GetIncidentsAsync(Spike.AddDays(-6), Spike.AddDays(1)));
    }

    [Fact]
    public async Task AJumpMustReachBothThreeTimesTheBaselineAndFivePointsAboveIt()
    {
        using (var db = _db.NewContext())
        {
            db.AddDays(Spike.AddDays(-30), Spike, "double.com", sent: 100, hard: 10);   // 10 % → 25 %: +15 points but only 2.5 ×
            db.AddStat(Spike, "double.com", sent: 100, hard: 25);
            db.AddDays(Spike.AddDays(-30), Spike, "small-rise.com", sent: 100, hard: 1); // 1 % → 5.5 %: 5.5 × but only +4.5 points
            db.AddStat(Spike, "small-rise.com", sent: 200, hard: 11);
            db.AddDays(Spike.AddDays(-30), Spike, "both.com", sent: 100, hard: 2);       // 2 % → 7 %: 3.5 × and +5 points
            db.AddStat(Spike, "both.com", sent: 100, hard: 7);
        }

        var incidents = await Manager.GetIncidentsAsync(Spike, Spike.AddDays(1));

        Assert.Equal(["both.com"], incidents.Select(i => i.Domain));
    }

    [Fact]
    public async Task ADayWithoutEnoughHistoryIsNotJudged()
    {
        using (var db = _db.NewContext())
        {
            db.AddStat(Spike.AddDays(-1), "new.com", sent: 10, hard: 0);
            db.AddStat(Spike, "new.com", sent: 100, hard: 30);
        }

        Assert.Empty(await Manager.GetIncidentsAsync(Spike, Spike.AddDays(1)));
    }

    [Theory]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task ManagersAndAdminsMayReadDomainHealth(string role)
    {
        using (var db = _db.NewContext())
        {
            db.AddStat(Spike, "a.com", sent: 10, hard: 1);
        }

        var service = Service(role);

        Assert.Equal(10, (await service.GetTopDomainsAsync(Spike, Spike.AddDays(1))).Totals.Sent);
        Assert.Equal(10, Assert.Single(await service.GetDailySeriesAsync(Spike, Spike.AddDays(1))).Sent);
        Assert.Empty(await service.GetIncidentsAsync(Spike, Spike.AddDays(1)));
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(null)]
    public async Task MarketersAndAnonymousCallersAreRefused(string? role)
    {
        var service = role is null ? Service() : Service(role);

        await Assert.ThrowsAsync<ForbiddenException>(() => service.GetTopDomainsAsync(Spike, Spike.AddDays(1)));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.GetDailySeriesAsync(Spike, Spike.AddDays(1), "a.com"));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.GetIncidentsAsync(Spike, Spike.AddDays(1)));
    }

    [Fact]
    public async Task AFrameMustBeWholeUtcDaysForward()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.GetTopDomainsAsync(Spike.AddHours(1), Spike.AddDays(1)));
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.GetDailySeriesAsync(Spike, Spike));
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.GetIncidentsAsync(Spike, Spike.AddDays(BounceHealthService.MaxFrameDays + 1)));
    }
}
