using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using BounceAdmin.Data;
using BounceAdmin.Identity;

namespace BounceAdmin.Components.Account;

// A server-side AuthenticationStateProvider that revalidates the connected user every minute a circuit is connected.
// The circuit loses its user (and every page its rights) when the cookie that opened it has expired, the account is
// gone or locked out (by an Admin or by failed sign-ins), the security stamp changed (a role change, lock, password
// reset or log-out elsewhere renews it: Features/Admin/UserAdminService), or the principal claims a role the user no
// longer has. The check is one user lookup per circuit per minute.
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        TimeProvider clock)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
        => IsStillValidAsync(authenticationState.User);

    /// <summary>Whether the circuit's <paramref name="principal"/> may go on (see the class comment).</summary>
    internal async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        if (SessionExpiry.Of(principal) is { } expires && expires <= clock.GetUtcNow())
        {
            return false;
        }

        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await userManager.GetUserAsync(principal);
        if (user is null || await userManager.IsLockedOutAsync(user))
        {
            return false;
        }

        if (userManager.SupportsUserSecurityStamp)
        {
            var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
            if (principalStamp != await userManager.GetSecurityStampAsync(user))
            {
                return false;
            }
        }

        var roles = await userManager.GetRolesAsync(user);
        var claimed = principal.FindAll(options.Value.ClaimsIdentity.RoleClaimType).Select(c => c.Value);
        return claimed.All(r => roles.Contains(r));
    }
}
