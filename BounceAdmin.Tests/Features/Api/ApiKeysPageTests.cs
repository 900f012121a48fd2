using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace BounceAdmin.Tests.Features.Api;

/// <summary>The API keys page over the real service and SQLite: the key is shown once, revoking asks first.</summary>
public sealed class ApiKeysPageTests : BunitTestBase
{
    [Fact]
    public void AnEmptyListSaysHowToCreateAKey()
    {
        SignInAs(Roles.Admin);
        var cut = Ctx.Render<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Contains("No API keys yet", cut.Find("[data-testid=apikeys-empty]").TextContent));
    }

    [Fact]
    public void TheNewKeyIsShownOnceAndNeverAgain()
    {
        SignInAs(Roles.Admin);
        var cut = Ctx.Render<ApiKeysPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=page-ready]"));

        cut.Find("input[data-testid=apikey-name]").Change("ESP sync");
        cut.Find("button[data-testid=apikey-create]").Click();

        string key = "";
        cut.WaitForAssertion(() =>
        {
            key = cut.Find("input[data-testid=apikey-secret]").GetAttribute("value") ?? "";
            Assert.StartsWith(ApiKeySecret.Prefix, key);
        });
        Assert.Contains("only time it is shown", cut.Find("[data-testid=apikey-created]").TextContent);
        Assert.Equal("ESP sync", cut.Find("[data-testid=apikey-row-name]").TextContent.Trim());
        Assert.True(ApiKeySecret.TryParse(key, out _, out var secret));

        cut.Find("button[data-testid=apikey-done]").Click();
        Assert.Empty(cut.FindAll("[data-testid=apikey-created]"));
        Assert.DoesNotContain(secret, cut.Markup);

        // A fresh visit lists the key without its secret.
        var again = Ctx.Render<ApiKeysPage>();
        again.WaitForAssertion(() => Assert.Equal("ESP sync", again.Find("[data-testid=apikey-row-name]").TextContent.Trim()));
        Assert.DoesNotContain(secret, again.Markup);
        Assert.Empty(again.FindAll("[data-testid=apikey-created]"));
    }

    [Fact]
    public void ANameIsRequired()
    {
        SignInAs(Roles.Admin);
        var cut = Ctx.Render<ApiKeysPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=page-ready]"));

        cut.Find("button[data-testid=apikey-create]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Give the key a name", cut.Find("[data-testid=apikey-error]").TextContent));
        using var db = Db.NewContext();
        Assert.Equal(0, db.ApiKeys.Count());
    }

    [Fact]
    public async Task RevokingAsksForConfirmationFirst()
    {
        SignInAs(Roles.Admin);
        var created = await Ctx.Services.GetRequiredServiceScoped<ApiKeyService>().CreateAsync("to revoke", [ApiScopes.MailabilityRead], null);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var cut = Ctx.Render<ApiKeysPage>();
        cut.WaitForAssertion(() => cut.Find($"button[data-testid=apikey-revoke-{created.Row.Id}]"));

        cut.Find($"button[data-testid=apikey-revoke-{created.Row.Id}]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Revoke the key “to revoke”?", dialogs.Markup));
        Assert.Null(await RevokedAtAsync(created.Row.Id));

        // Cancel keeps the key.
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Revoke the key", dialogs.Markup));
        Assert.Null(await RevokedAtAsync(created.Row.Id));

        cut.Find($"button[data-testid=apikey-revoke-{created.Row.Id}]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke the key", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Find("[data-testid=apikey-row-status]").TextContent));
        Assert.NotNull(await RevokedAtAsync(created.Row.Id));
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public void MarketersAndManagersAreRefusedByTheServiceEvenOnThePage(string role)
    {
        SignInAs(role);
        var cut = Ctx.Render<ApiKeysPage>();

        cut.WaitForAssertion(() => Assert.Contains("Admin", cut.Find("[data-testid=apikey-error]").TextContent));
        cut.Find("input[data-testid=apikey-name]").Change("sneaky");
        cut.Find("button[data-testid=apikey-create]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Admin", cut.Find("[data-testid=apikey-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=apikey-created]"));
        using var db = Db.NewContext();
        Assert.Equal(0, db.ApiKeys.Count());
    }

    private async Task<DateTime?> RevokedAtAsync(int id)
    {
        await using var db = Db.NewContext();
        return await db.ApiKeys.Where(k => k.Id == id).Select(k => k.RevokedAt).SingleAsync();
    }
}

internal static class ServiceProviderScopedExtensions
{
    /// <summary>A scoped service from a fresh scope (bUnit's root provider refuses scoped services in some setups).</summary>
    public static T GetRequiredServiceScoped<T>(this IServiceProvider services)
        where T : notnull
        => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(services).ServiceProvider);
}
