using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.BounceHealth;

public sealed class BounceHealthPageTests : BunitTestBase
{
    // TestData.Now is 2026-11-20 12:00 UTC, so the default frame (last 30 days) is 2026-10-22 up to 2026-11-21.
    private static readonly DateTime Spike = new(2026, 11, 18, 0, 0, 0, DateTimeKind.Utc);

    private void Seed()
    {
        using var db = Db.NewContext();
        db.AddDays(Spike.AddDays(-40), Spike, "spiky.com", sent: 100, hard: 1);
        db.AddStat(Spike, "spiky.com", sent: 100, hard: 25);
        db.AddDays(Spike.AddDays(-40), Spike.AddDays(3), "steady.org", sent: 200, hard: 2, soft: 4);
    }

    [Fact]
    public void ManagerSeesTheTablesTheChartsAndTheIncidentWithItsLink()
    {
        SignInAs(Roles.Manager);
        Seed();

        var cut = Ctx.Render<BounceHealthPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=domain-row]").Count));
        var rows = cut.FindAll("[data-testid=domain-row]");
        Assert.Contains("steady.org", rows[0].TextContent); // most sends first
        Assert.Contains("spiky.com", rows[1].TextContent);
        Assert.Contains("1.9 %", rows[1].TextContent);      // spiky.com over the frame: (27 × 1 + 25) hard of 2,800 sends
        Assert.NotNull(cut.Find("[data-testid=rates-chart] svg"));
        Assert.NotNull(cut.Find("[data-testid=domains-chart] svg"));
        Assert.Equal(30, cut.Find("[data-testid=rates-table]").QuerySelectorAll("tbody tr").Length);

        var incident = Assert.Single(cut.FindAll("[data-testid=incident]"));
        Assert.Contains("spiky.com", incident.TextContent);
        Assert.Contains("2026-11-18", incident.TextContent);
        Assert.Contains("25.0 %", incident.TextContent);
        Assert.Equal("/bounces?domain=spiky.com&from=2026-11-18&to=2026-11-18&kind=Hard",
            cut.Find("[data-testid=incident-link]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=loading]"));
    }

    [Fact]
    public void TheUrlSetsACustomRangeAndTheDomainOfTheSeries()
    {
        SignInAs(Roles.Manager);
        Seed();
        Ctx.Services.GetRequiredService<NavigationManager>()
            .NavigateTo("/reports/bounce-health?preset=custom&from=2026-11-10&to=2026-11-18&domain=spiky.com");

        var cut = Ctx.Render<BounceHealthPage>();

        cut.WaitForAssertion(() => Assert.Equal(9, cut.Find("[data-testid=rates-table]").QuerySelectorAll("tbody tr").Length));
        Assert.Contains("for spiky.com", cut.Find("#series-heading").TextContent);
        var lastRow = cut.Find("[data-testid=rates-table]").QuerySelectorAll("tbody tr").Last();
        Assert.Contains("2026-11-18", lastRow.TextContent);
        Assert.Contains("25.0 %", lastRow.TextContent);   // spiky.com's own day, not the overall rate
        Assert.Contains("/bounces?domain=spiky.com&from=2026-11-10&to=2026-11-18",
            cut.FindAll("[data-testid=domain-row] a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void ADomainsSeriesButtonShowsThatDomainsDailySeries()
    {
        SignInAs(Roles.Manager);
        Seed();
        var cut = Ctx.Render<BounceHealthPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=show-series]").Count));

        cut.Find("[aria-label='Show the daily series of spiky.com']").Click();

        cut.WaitForAssertion(() => Assert.Contains("for spiky.com", cut.Find("#series-heading").TextContent));
        Assert.EndsWith("domain=spiky.com", Ctx.Services.GetRequiredService<NavigationManager>().Uri);
        var spikeDay = cut.Find("[data-testid=rates-table]").QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("2026-11-18"));
        Assert.Contains("25.0 %", spikeDay.TextContent); // the domain's own rate that day, not the overall one
    }

    [Fact]
    public void AnEmptyFrameShowsAHint()
    {
        SignInAs(Roles.Admin);

        var cut = Ctx.Render<BounceHealthPage>();

        cut.WaitForAssertion(() => Assert.Contains("try a longer one", cut.Find("[data-testid=empty-state]").TextContent));
    }

    [Fact]
    public void AMarketerGetsAFriendlyRefusalAndNoNumbers()
    {
        SignInAs(Roles.Marketer);
        Seed();

        var cut = Ctx.Render<BounceHealthPage>();

        cut.WaitForAssertion(() => Assert.Contains("Manager or Admin", cut.Find("[data-testid=health-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=domain-row]"));
    }
}
