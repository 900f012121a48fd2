using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.BounceHealth;

/// <summary>
/// Bounce health cancels the load it replaces (its own token, passed to every query), so a slow load for the URL before
/// (held at its database context) ends without touching the page. Pins that the page needs no load ordering.
/// </summary>
public sealed class BounceHealthStaleLoadTests : HeldLoadsTestBase
{
    private static readonly DateTime Day = new(2026, 11, 17, 0, 0, 0, DateTimeKind.Utc);

    // The daily series is what the load brings (the heading follows the URL at once): the sends of one day.
    private static string SentOn(IRenderedComponent<BounceHealthPage> cut, DateTime day)
        => cut.Find("[data-testid=rates-table]").QuerySelectorAll("tbody tr")
            .Single(r => r.QuerySelector("th")!.TextContent.Trim() == day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .QuerySelector("td")!.TextContent.Trim();

    private static List<string> DomainRows(IRenderedComponent<BounceHealthPage> cut)
        => cut.FindAll("[data-testid=domain-row]").Select(r => r.TextContent.Contains("spiky.com") ? "spiky.com" : "steady.org").ToList();

    [Fact]
    public async Task TheUrlLastChosenWinsWhenTheEarlierLoadIsSlower()
    {
        SignInAs(Roles.Manager);
        using (var db = Db.NewContext())
        {
            db.AddDays(Day.AddDays(-20), Day.AddDays(1), "spiky.com", sent: 100, hard: 10);
            db.AddDays(Day.AddDays(-20), Day.AddDays(1), "steady.org", sent: 300, hard: 3);
        }

        var nav = Ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/reports/bounce-health");
        var cut = Ctx.Render<BounceHealthPage>();
        cut.WaitForAssertion(() => Assert.Equal("400", SentOn(cut, Day)));
        Assert.Equal(["steady.org", "spiky.com"], DomainRows(cut));

        var hold = Loads.HoldNext();
        await cut.InvokeAsync(() => nav.NavigateTo("/reports/bounce-health?rank=bounces"));
        await hold.Reached.WaitAsync(Timeout);
        await cut.InvokeAsync(() => nav.NavigateTo("/reports/bounce-health?domain=spiky.com"));
        hold.Release();

        // The held load goes on in a later turn of the dispatcher; this lets it end before the page is read.
        await cut.InvokeAsync(() => { });
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("for spiky.com", cut.Find("#series-heading").TextContent);
            Assert.Equal("100", SentOn(cut, Day));
            Assert.Equal(["steady.org", "spiky.com"], DomainRows(cut)); // ranked by sends, as asked last
            Assert.Empty(cut.FindAll("[data-testid=loading]"));
        }, Timeout);
    }
}
