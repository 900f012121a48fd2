using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Explain;
using BounceAdmin.Identity;
using BounceAdmin.Tests.Features.Bounces.BounceQuery;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using static BounceAdmin.Tests.Features.Bounces.BounceQuery.BounceFixtures;

namespace BounceAdmin.Tests.Features.Bounces.Explain;

/// <summary>The explain panel tells whether the bounce was a permanent or a temporary failure (issue 13, SPEC §3).</summary>
public sealed class BounceExplainPermanenceTests : BunitTestBase
{
    [Theory]
    [InlineData(Invalid, true, "permanent failure")]
    [InlineData(Network, false, "temporary failure")]
    [InlineData(Unmatched, null, "not stated")]
    public async Task The_explanation_carries_the_recorded_permanence(string key, bool? permanent, string text)
    {
        var ids = await SeedAsync(Db, Clock);
        var service = new BounceQueryService(Db.Factory, FixedCurrentUser.For("m@test.local", Roles.Marketer));

        var x = (await service.ExplainAsync(ids[key]))!;

        Assert.Equal(permanent, x.Permanent);
        Assert.Contains(text, x.PermanenceText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Network, "temporary failure")]
    [InlineData(Invalid, "permanent failure")]
    public async Task The_panel_shows_it(string key, string text)
    {
        var ids = await SeedAsync(Db, Clock);
        SignInAs(Roles.Marketer);

        var cut = Ctx.Render<BounceExplainPanel>(p => p.Add(x => x.BounceId, ids[key]));

        cut.WaitForAssertion(() => Assert.StartsWith(text, cut.Find("[data-testid=permanence]").TextContent.Trim(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_bounce_shows_no_permanence_line()
    {
        var ids = await SeedAsync(Db, Clock);
        SignInAs(Roles.Marketer);

        var cut = Ctx.Render<BounceExplainPanel>(p => p.Add(x => x.BounceId, ids[Vacation]));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=reason-text]")));
        Assert.Empty(cut.FindAll("[data-testid=permanence]"));
    }
}
