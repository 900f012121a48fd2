using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

/// <summary>Issue 14.3 on the Bounces page: an Admin approves or rejects a held (unverified) bounce, after a confirmation.</summary>
public sealed class HeldBouncesPageTests : BunitTestBase
{
    private async Task<(int PersonId, long BounceId)> SeedHeldAsync()
    {
        var person = Db.NewContext().AddPerson("held@example.com");
        var rules = new BounceRulesService(Db.Factory, Clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin), new Fixed(new BounceTrustOptions { UnverifiedPolicy = UnverifiedPolicy.Review }));
        var result = await rules.ApplyAsync(new BounceInput("held@example.com", "blocked", "held-1", TestData.Now.AddHours(-1), "test",
            "5.7.1", 554, "554 5.7.1 blocked"));
        Assert.Equal(ApplyOutcome.Held, result.Outcome);
        return (person.Id, result.BounceEventId!.Value);
    }

    private bool Suspended(int id)
    {
        using var db = Db.NewContext();
        return db.People.AsNoTracking().Single(p => p.Id == id).EmailSuspended;
    }

    private BounceOutcome Outcome(long id)
    {
        using var db = Db.NewContext();
        return db.BounceEvents.AsNoTracking().Single(b => b.Id == id).Outcome;
    }

    [Fact]
    public async Task AnAdminApprovesAHeldBounceAfterConfirmingAndItIsApplied()
    {
        var (personId, bounceId) = await SeedHeldAsync();
        SignInAs(Roles.Admin);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var page = Ctx.Render<BouncesPage>();
        page.WaitForAssertion(() => Assert.Contains("Held for review", page.Find("tbody tr.mud-table-row").TextContent));

        page.Find("[data-testid=approve]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("matches no send of ours", dialogs.Markup));
        Assert.False(Suspended(personId));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Approve and apply")).Click();

        page.WaitForAssertion(() => Assert.True(Suspended(personId)));
        Assert.Equal(BounceOutcome.Applied, Outcome(bounceId));
    }

    [Fact]
    public async Task CancellingTheConfirmationChangesNothingAndRejectingKeepsItIgnored()
    {
        var (personId, bounceId) = await SeedHeldAsync();
        SignInAs(Roles.Admin);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var page = Ctx.Render<BouncesPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=reject]"));

        page.Find("[data-testid=approve]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Contains("Cancel")).Click());
        Assert.Equal(BounceOutcome.Held, Outcome(bounceId));

        page.Find("[data-testid=reject]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Reject").Click());

        page.WaitForAssertion(() => Assert.Equal(BounceOutcome.Ignored, Outcome(bounceId)));
        Assert.False(Suspended(personId));
    }

    [Theory]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Marketer)]
    public async Task OnlyAnAdminIsOfferedTheActions(string role)
    {
        await SeedHeldAsync();
        SignInAs(role);
        var page = Ctx.Render<BouncesPage>();

        page.WaitForAssertion(() => Assert.Contains("Held for review", page.Find("tbody tr.mud-table-row").TextContent));
        Assert.Empty(page.FindAll("[data-testid=approve]"));
        Assert.Empty(page.FindAll("[data-testid=reject]"));
    }

    private sealed class Fixed(BounceTrustOptions value) : IOptionsMonitor<BounceTrustOptions>
    {
        public BounceTrustOptions CurrentValue => value;

        public BounceTrustOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<BounceTrustOptions, string?> listener) => null;
    }
}
