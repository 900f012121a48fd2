using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BounceAdmin.Identity;

/// <summary>
/// A Blazor circuit keeps the user it was opened with for as long as it stays connected, even past the expiry of the
/// cookie that opened it. Each request that authenticates with the cookie gets a claim with the time the cookie
/// expires (as the sliding renewal of that request leaves it); the revalidating authentication state provider ends a
/// circuit once that time has passed.
/// </summary>
public static class SessionExpiry
{
    public const string ClaimType = "bounceadmin:session_expires";

    public static void AddTo(CookieAuthenticationOptions options)
    {
        var inner = options.Events.OnValidatePrincipal;
        options.Events.OnValidatePrincipal = async context =>
        {
            await inner(context);
            if (context.Principal?.Identity is ClaimsIdentity { IsAuthenticated: true } identity && context.Properties.ExpiresUtc is { } expires)
            {
                var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                // Sliding expiration renews a cookie past half its life during this request.
                if (context.Options.SlidingExpiration && context.Properties.IssuedUtc is { } issued && now - issued > context.Options.ExpireTimeSpan / 2)
                {
                    expires = now + context.Options.ExpireTimeSpan;
                }

                foreach (var old in identity.FindAll(ClaimType).ToList())
                {
                    identity.RemoveClaim(old);
                }

                identity.AddClaim(new Claim(ClaimType, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
            }
        };
    }

    /// <summary>When the session of <paramref name="principal"/> ends, if its cookie said.</summary>
    public static DateTimeOffset? Of(ClaimsPrincipal principal)
        => long.TryParse(principal.FindFirstValue(ClaimType), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
