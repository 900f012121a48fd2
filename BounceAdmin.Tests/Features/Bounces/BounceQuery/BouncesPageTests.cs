using BounceAdmin.Features.Bounces;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using static BounceAdmin.Tests.Features.Bounces.BounceQuery.BounceFixtures;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

public sealed class BouncesPageTests : BunitTestBase
{
    private Dictionary<string, long> _ids = [];

    private async Task SeedAsync() => _ids = await BounceFixtures.SeedAsync(Db, Clock);

    [Fact]
    public async Task ListsBouncesNewestFirstWithTheirTimeZone()
    {
        await SeedAsync();
        SignInAs(Roles.Marketer);

        var cut = Ctx.Render<BouncesPage>();

        cut.WaitForAssertion(() => Assert.Equal(All.Length, cut.FindAll("tbody tr.mud-table-row").Count));
        var first = cut.FindAll("tbody tr.mud-table-row")[0];
        Assert.Contains("bob@yahoo.com", first.TextContent);
        Assert.Contains("UTC", first.TextContent);
        Assert.Contains("webhook:ses", first.TextContent);
    }

    [Fact]
    public async Task OpeningARowShowsWhy()
    {
        await SeedAsync();
        SignInAs(Roles.Marketer);
        var cut = Ctx.Render<BouncesPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tbody tr.mud-table-row")));
        Assert.Empty(cut.FindAll("[data-testid=bounce-explanation]"));

        var row = cut.FindAll("tbody tr.mud-table-row").Single(r => r.TextContent.Contains("alice@gmail.com") && r.TextContent.Contains("userunknown"));
        row.QuerySelector("button[data-testid=explain]")!.Click();

        cut.WaitForAssertion(() =>
        {
            var panel = cut.Find("[data-testid=bounce-explanation]");
            Assert.Contains("The receiving server says this mailbox does not exist.", panel.TextContent);
            Assert.Contains("User unknown in virtual mailbox table", panel.QuerySelector("[data-testid=diagnostic]")!.TextContent);
            Assert.Contains("bad destination mailbox address", panel.QuerySelector("[data-testid=status]")!.TextContent);
            Assert.Contains("status:5.1.1", panel.QuerySelector("[data-testid=rule]")!.TextContent);
            Assert.Contains("Email Invalid: false → true", panel.QuerySelector("[data-testid=changes]")!.TextContent);
            Assert.Contains("an Admin can uncheck Email Invalid", panel.QuerySelector("[data-testid=next-steps]")!.TextContent);
            Assert.NotNull(panel.QuerySelector("a[href^='people/']"));
        });
        Assert.EndsWith($"bounce={_ids[Invalid]}", Ctx.Services.GetRequiredService<NavigationManager>().Uri);

        cut.Find("button[aria-label='Close the explanation']").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=bounce-explanation]")));
    }

    [Fact]
    public async Task FiltersComeFromTheUrl()
    {
        await SeedAsync();
        SignInAs(Roles.Marketer);
        var nav = Ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("bounces?category=2&domain=contoso");

        var cut = Ctx.Render<BouncesPage>();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("tbody tr.mud-table-row");
            Assert.Single(rows);
            Assert.Contains("dave@contoso.com", rows[0].TextContent);
        });
    }

    [Fact]
    public async Task TypingADomainFiltersTheGridAndWritesTheUrl()
    {
        await SeedAsync();
        SignInAs(Roles.Marketer);
        var cut = Ctx.Render<BouncesPage>();
        cut.WaitForAssertion(() => Assert.Equal(All.Length, cut.FindAll("tbody tr.mud-table-row").Count));

        cut.Find("input[aria-label='Filter by receiving domain']").Input("yahoo");

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("tbody tr.mud-table-row");
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Contains("bob@yahoo.com", r.TextContent));
        }, TimeSpan.FromSeconds(5));
        Assert.Contains("domain=yahoo", Ctx.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task TheFalsePositiveCheckboxFilters()
    {
        await SeedAsync();
        SignInAs(Roles.Marketer);
        var cut = Ctx.Render<BouncesPage>();
        cut.WaitForAssertion(() => Assert.Equal(All.Length, cut.FindAll("tbody tr.mud-table-row").Count));

        cut.Find("input[type=checkbox]").Change(true);

        cut.WaitForAssertion(() => Assert.Contains("dave@contoso.com", cut.Find("tbody tr.mud-table-row").TextContent));
        Assert.Single(cut.FindAll("tbody tr.mud-table-row"));
        Assert.Contains("fp=true", Ctx.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task TheToDateIsInclusive()
    {
        await SeedAsync();
        SignInAs(Roles.Marketer);
        var day = Now.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"bounces?from={day}&to={day}");

        var cut = Ctx.Render<BouncesPage>();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("tbody tr.mud-table-row");
            Assert.Single(rows);
            Assert.Contains("alice@gmail.com", rows[0].TextContent);
        });
    }

    [Fact]
    public async Task ABounceInTheUrlOpensItsExplanation()
    {
        await SeedAsync();
        SignInAs(Roles.Manager);
        Ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"bounces?bounce={_ids[Blocked]}");

        var cut = Ctx.Render<BouncesPage>();

        cut.WaitForAssertion(() => Assert.Contains("zen.spamhaus.org", cut.Find("[data-testid=next-steps]").TextContent));
    }

    [Fact]
    public void EmptyDatabaseShowsTheEmptyStateWithAHint()
    {
        SignInAs(Roles.Admin);

        var cut = Ctx.Render<BouncesPage>();

        cut.WaitForAssertion(() => Assert.Contains("Clear a filter", cut.Find("[data-testid=empty-state]").TextContent));
    }

    [Fact]
    public async Task ACallerWithoutARoleSeesAFriendlyMessageAndNoData()
    {
        await SeedAsync();
        Ctx.Services.AddScoped<ICurrentUser>(_ => FixedCurrentUser.Anonymous);
        Ctx.AddAuthorization();

        var cut = Ctx.Render<BouncesPage>();

        cut.WaitForAssertion(() => Assert.Contains("You must be signed in.", cut.Find(".mud-alert").TextContent));
        Assert.Empty(cut.FindAll("tbody tr.mud-table-row"));
        Assert.DoesNotContain("Exception", cut.Markup);
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Manager, false)]
    [InlineData(Roles.Marketer, false)]
    public void OnlyAnAdminIsOfferedTheUpload(string role, bool offered)
    {
        SignInAs(role);
        var cut = Ctx.Render<BouncesPage>();
        Assert.Equal(offered, cut.FindAll("[data-testid=bounce-upload]").Count == 1);
    }

    [Fact]
    public void EveryFilterHasALabel()
    {
        SignInAs(Roles.Marketer);

        var cut = Ctx.Render<BouncesPage>();

        foreach (var label in new[] { "Category", "Reason", "Kind", "Outcome", "Receiving domain", "Source", "From (UTC)", "To (UTC, inclusive)" })
        {
            Assert.Contains(cut.FindAll("label"), l => l.TextContent.Trim() == label);
        }
    }
}
