using System.Security.Claims;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// The sends and events services' own check of a caller: an API key needs the scope (one <see cref="ApiScopes.ScopeClaim"/> claim per
/// scope); the app's Admin identities (the command line, the seeder, a webhook after its signature check) may write
/// too (unlike <see cref="ApiCaller.RequireScopeAsync"/>, which admits keys only). The endpoints' policies check the same scopes first; this keeps the rule where the work is done.
/// </summary>
public static class EngagementAccess
{
    /// <summary>Returns the name to audit the caller's writes under, or throws when the caller may not.</summary>
    /// <exception cref="ForbiddenException">Not signed in, or without the scope (and not an Admin).</exception>
    [BounceAdmin.Identity.AccessCheck]
    public static async Task<string> RequireWriteAsync(this ICurrentUser caller, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = await caller.GetPrincipalAsync();
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new ForbiddenException("You must be signed in or use an API key.");
        }

        var missing = scopes.Where(s => !HasScope(user, s)).ToList();
        if (missing.Count > 0 && !user.IsInRole(Roles.Admin))
        {
            throw new ForbiddenException($"This needs the scope {string.Join(" and ", missing)}.");
        }

        // An API key is named apikey:NAME (Features/Api/ApiCaller), so its writes are audited with the key's name.
        return user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
    }

    private static bool HasScope(ClaimsPrincipal user, string scope) => ApiCaller.HasScope(user, scope);
}
