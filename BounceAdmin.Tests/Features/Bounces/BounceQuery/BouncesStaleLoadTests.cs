using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using MudBlazor;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

/// <summary>
/// The Bounces grid shows the filter chosen last even when the load for the filter before is slower (held at its
/// database context). MudDataGrid 9 drops a superseded load's rows itself; the page also runs its loads in order.
/// </summary>
public sealed class BouncesStaleLoadTests : HeldLoadsTestBase
{
    [Fact]
    public async Task TheLastChosenFilterWinsWhenTheEarlierLoadIsSlower()
    {
        await BounceFixtures.SeedAsync(Db, Clock);
        SignInAs(Roles.Marketer);
        var cut = Ctx.Render<BouncesPage>();
        cut.WaitForAssertion(() => Assert.Equal(BounceFixtures.All.Length, cut.FindAll("tbody tr.mud-table-row").Count));
        var outcome = cut.FindComponent<MudSelect<BounceOutcome?>>();

        await OverlapAsync(() => cut.InvokeAsync(() => outcome.Instance.ValueChanged.InvokeAsync(BounceOutcome.Applied)), () => cut.InvokeAsync(() => outcome.Instance.ValueChanged.InvokeAsync(BounceOutcome.Unmatched)));

        // Both loads have finished and been shown: what is on screen now is what stays.
        var rows = cut.FindAll("tbody tr.mud-table-row");
        Assert.Single(rows);
        Assert.Contains("nobody@unknown.org", rows[0].TextContent);
        Assert.Empty(cut.FindAll(".mud-alert-text-error"));
    }
}
