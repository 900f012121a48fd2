using BounceAdmin.Data.Entities;
using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.DemoData;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Features.BounceHealth;

/// <summary>The demo data comes with its domain-health aggregate, so the page has something to show on first run.</summary>
public sealed class DemoDataHealthTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task SeedingFillsTheAggregateWithEverySendAndBounce()
    {
        var clock = new TestClock(TestData.Now);
        var seeder = new DemoDataSeeder(_db.Factory, new BounceRulesService(_db.Factory, clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)), clock, NullLogger<DemoDataSeeder>.Instance);
        await seeder.SeedIfEmptyAsync();

        await using var db = _db.NewContext();
        var stats = db.Set<DomainDailyStat>().AsNoTracking();
        var sends = await db.Sends.CountAsync(s => s.Person!.EmailDomain != null);
        var hard = await db.BounceEvents.CountAsync(b => b.Category != null && b.Kind == BounceKind.Hard);
        var soft = await db.BounceEvents.CountAsync(b => b.Category != null && b.Kind == BounceKind.Soft);
        Assert.True(sends > 1000 && hard > 0 && soft > 0, "the demo data should have sends and both kinds of bounces");
        Assert.Equal(sends, await stats.SumAsync(s => s.Sent));
        Assert.Equal(hard, await stats.SumAsync(s => s.HardBounced));
        Assert.Equal(soft, await stats.SumAsync(s => s.SoftBounced));

        // And the service reads it: the 90-day frame ending on the seed's day holds sends.
        var service = new BounceHealthService(_db.Factory, FixedCurrentUser.For("manager@test.local", Roles.Manager));
        var to = TestData.Now.Date.AddDays(1);
        var summary = await service.GetTopDomainsAsync(DateTime.SpecifyKind(to.AddDays(-90), DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc));
        Assert.True(summary.Totals.Sent > 0);
    }
}
