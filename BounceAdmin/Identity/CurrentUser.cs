using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace BounceAdmin.Identity;

/// <summary>Thrown when the current user lacks the role an operation needs.</summary>
public sealed class ForbiddenException(string message) : UnauthorizedAccessException(message);

/// <summary>Who is calling a service. Services check roles through this, never trusting the UI to hide buttons.</summary>
public interface ICurrentUser
{
    Task<ClaimsPrincipal> GetPrincipalAsync();
}

/// <summary>
/// Inside a Blazor circuit the user comes from the <see cref="AuthenticationStateProvider"/>; in a plain HTTP request
/// (endpoints, static pages) from the <see cref="HttpContext"/>.
/// </summary>
public sealed class CircuitCurrentUser(AuthenticationStateProvider? authState, IHttpContextAccessor httpContextAccessor) : ICurrentUser
{
    public async Task<ClaimsPrincipal> GetPrincipalAsync()
    {
        if (authState is not null)
        {
            try
            {
                return (await authState.GetAuthenticationStateAsync()).User;
            }
            catch (InvalidOperationException)
            {
                // Not inside a circuit: fall through to the HTTP request's user.
            }
        }

        return httpContextAccessor.HttpContext?.User ?? new ClaimsPrincipal(new ClaimsIdentity());
    }
}

/// <summary>A fixed principal, for the command line (acting as the system) and for tests.</summary>
public sealed class FixedCurrentUser(ClaimsPrincipal principal) : ICurrentUser
{
    public static FixedCurrentUser For(string name, params string[] roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.NameIdentifier, name) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new FixedCurrentUser(new ClaimsPrincipal(new ClaimsIdentity(claims, "fixed")));
    }

    public static FixedCurrentUser Anonymous { get; } = new(new ClaimsPrincipal(new ClaimsIdentity()));

    public Task<ClaimsPrincipal> GetPrincipalAsync() => Task.FromResult(principal);
}

public static class CurrentUserExtensions
{
    /// <summary>Returns the caller's name if they are signed in and hold one of <paramref name="roles"/>; throws otherwise.</summary>
    [BounceAdmin.Identity.AccessCheck]
    public static async Task<string> RequireRoleAsync(this ICurrentUser currentUser, params string[] roles)
    {
        var user = await currentUser.GetPrincipalAsync();
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new ForbiddenException("You must be signed in.");
        }

        var allowed = roles.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (!allowed.Any(user.IsInRole))
        {
            throw new ForbiddenException($"This needs the role {string.Join(" or ", allowed.Distinct())}.");
        }

        return user.Identity.Name ?? "unknown";
    }

    public static async Task<bool> IsInRoleAsync(this ICurrentUser currentUser, string role)
        => (await currentUser.GetPrincipalAsync()).IsInRole(role);
}
