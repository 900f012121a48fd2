using System.Security.Claims;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// The services' own check of a caller: an API key needs the scope (one <see cref="ApiScopes.ScopeClaim"/> claim per
/// scope); the app's Admin identities (the command line, the seeder, a webhook after its signature check) may do
/// everything. The endpoints' policies check the same scopes first; this keeps the rule where the work is done.
/// </summary>
public static class ApiCaller
{
    /// <summary>Returns the name to audit the caller's writes under, or throws when the caller may not.</summary>
    /// <exception cref="ForbiddenException">Not signed in, or without the scope (and not an Admin).</exception>
    public static async Task<string> RequireScopeAsync(this ICurrentUser caller, params string[] scopes)
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

        return ActorName(user);
    }

    /// <summary>Whether the caller holds <paramref name="scope"/> (or is an Admin identity).</summary>
    public static async Task<bool> MayAsync(this ICurrentUser caller, string scope)
    {
        var user = await caller.GetPrincipalAsync();
        return user.Identity?.IsAuthenticated == true && (HasScope(user, scope) || user.IsInRole(Roles.Admin));
    }

    private static bool HasScope(ClaimsPrincipal user, string scope)
        => user.Claims.Any(c => c.Type == ApiScopes.ScopeClaim
            && c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>The audit name: "api key NAME" for a key, the user's name otherwise.</summary>
    private static string ActorName(ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
        return user.Identities.Any(i => i.AuthenticationType == ApiScopes.Scheme) && !name.StartsWith("api key", StringComparison.Ordinal)
            ? "api key " + name
            : name;
    }
}
