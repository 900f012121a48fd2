using BounceAdmin.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Admin;

public sealed class UserPreferencesServiceTests
{
    [Fact]
    public async Task TheThemeChoiceIsRememberedPerUser()
    {
        await using var ctx = new AdminTestContext();
        var ann = await ctx.AddUserAsync("ann@test.local", Roles.Marketer);
        var bob = await ctx.AddUserAsync("bob@test.local", Roles.Manager);
        var scopes = ctx.Services.GetRequiredService<IServiceScopeFactory>();
        var forAnn = new UserPreferencesService(scopes, FixedCurrentUser.For(ann.Id, Roles.Marketer));
        var forBob = new UserPreferencesService(scopes, FixedCurrentUser.For(bob.Id, Roles.Manager));

        Assert.False(await forAnn.GetPrefersDarkModeAsync());
        await forAnn.SetPrefersDarkModeAsync(true);

        Assert.True(await forAnn.GetPrefersDarkModeAsync());
        Assert.True((await ctx.ReloadUserAsync(ann.Id)).PrefersDarkMode);
        Assert.False(await forBob.GetPrefersDarkModeAsync());
        Assert.False(await new UserPreferencesService(scopes, FixedCurrentUser.Anonymous).GetPrefersDarkModeAsync());
    }
}
