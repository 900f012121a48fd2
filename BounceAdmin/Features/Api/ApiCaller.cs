using System.Security.Claims;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;

namespace BounceAdmin.Features.Api;

/// <summary>
/// The principal of an API request: authenticated under <see cref="ApiScopes.Scheme"/>, named <c>apikey:NAME</c> (so a
/// service that audits <c>user.Identity.Name</c> audits the key's name), one <see cref="ApiScopes.ScopeClaim"/> claim per
/// scope and the key's id in <see cref="KeyIdClaim"/> (the rate limiter's partition).
/// </summary>
public static class ApiCaller
{
    public const string KeyIdClaim = "apikey_id";
    public const string NamePrefix = "apikey:";

    public static ClaimsPrincipal PrincipalFor(ApiKey key)
    {
        var name = NamePrefix + key.Name;
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ClaimTypes.NameIdentifier, name),
            new(KeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange(ApiKeyService.ScopesOf(key).Select(s => new Claim(ApiScopes.ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiScopes.Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Whether the principal is an API key holding <paramref name="scope"/>.</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope)
        => user.Identity is { IsAuthenticated: true, AuthenticationType: ApiScopes.Scheme } && user.HasClaim(ApiScopes.ScopeClaim, scope);

    /// <summary>
    /// For a service: the caller's name when it is an API key with <paramref name="scope"/>; throws
    /// <see cref="ForbiddenException"/> otherwise. The service checks this itself, whatever the endpoint's policy.
    /// </summary>
    [BounceAdmin.Identity.AccessCheck]
    public static async Task<string> RequireScopeAsync(this ICurrentUser currentUser, string scope)
    {
        var user = await currentUser.GetPrincipalAsync();
        return user.HasScope(scope)
            ? user.Identity!.Name!
            : throw new ForbiddenException($"This needs an API key with the scope {scope}.");
    }

    /// <summary>
    /// For a service open to staff and to API keys alike (e.g. the suppression export): the caller's name when it is an
    /// API key with <paramref name="scope"/> or a signed-in user with one of <paramref name="roles"/>; throws otherwise.
    /// </summary>
    [BounceAdmin.Identity.AccessCheck]
    public static async Task<string> RequireScopeOrRoleAsync(this ICurrentUser currentUser, string scope, string roles)
    {
        var user = await currentUser.GetPrincipalAsync();
        if (user.Identity?.AuthenticationType == ApiScopes.Scheme)
        {
            return await currentUser.RequireScopeAsync(scope);
        }

        return await currentUser.RequireRoleAsync(roles);
    }
}

/// <summary>
/// <see cref="ICurrentUser"/> of an API request: the request's principal (an API key, see <see cref="ApiCaller"/>). The
/// app's default <see cref="CircuitCurrentUser"/> gives the same principal outside a circuit; this one is for code that
/// wants to say so (it never consults a circuit).
/// </summary>
public sealed class ApiCurrentUser(IHttpContextAccessor httpContextAccessor) : ICurrentUser
{
    public Task<ClaimsPrincipal> GetPrincipalAsync()
        => Task.FromResult(httpContextAccessor.HttpContext?.User ?? new ClaimsPrincipal(new ClaimsIdentity()));
}
