using System.Security.Claims;
using BounceAdmin.Data;
using Microsoft.AspNetCore.Identity;

namespace BounceAdmin.Identity;

/// <summary>The signed-in user's own preferences (the theme), stored on their account so they follow them.</summary>
public sealed class UserPreferencesService(IServiceScopeFactory scopeFactory, ICurrentUser currentUser)
{
    public async Task<bool> GetPrefersDarkModeAsync()
    {
        var id = await CurrentUserIdAsync();
        if (id is null) return false;
        await using var scope = scopeFactory.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(id);
        return user?.PrefersDarkMode ?? false;
    }

    public async Task SetPrefersDarkModeAsync(bool dark)
    {
        var id = await CurrentUserIdAsync();
        if (id is null) return;
        await currentUser.RequireRoleAsync(Roles.Anyone);

        // A fresh scope per call: the circuit must not hold a UserManager (and its DbContext) for hours.
        await using var scope = scopeFactory.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await manager.FindByIdAsync(id) is { } user && user.PrefersDarkMode != dark)
        {
            user.PrefersDarkMode = dark;
            await manager.UpdateAsync(user);
        }
    }

    private async Task<string?> CurrentUserIdAsync()
    {
        var principal = await currentUser.GetPrincipalAsync();
        return principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(ClaimTypes.NameIdentifier) : null;
    }
}
