using System.Security.Cryptography;

namespace BounceAdmin.Security;

/// <summary>
/// The response headers every answer carries: a Content-Security-Policy (with <c>frame-ancestors 'none'</c>),
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy</c> and <c>X-Frame-Options</c>. One small middleware, so
/// the policy is in one place; a path that needs another policy (the Development-only API reference page) gets one
/// with <see cref="SecurityHeadersOptions.ForPath"/>.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The <see cref="HttpContext.Items"/> key of this request's script nonce (App.razor puts it on the import map).</summary>
    public const string NonceItem = "BounceAdmin.CspNonce";

    /// <summary>
    /// The app's policy. Blazor Server needs scripts and its WebSocket from this origin only; the one inline script (the
    /// import map) carries the request's nonce; MudBlazor sets <c>style</c> attributes, hence <c>'unsafe-inline'</c> for
    /// styles only (styles cannot run code). No framing at all, no plugins, forms post only here.
    /// </summary>
    public static string AppPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>
    /// A looser policy for an interactive API reference page (Development only): its bundle uses inline scripts and
    /// styles. Framing stays forbidden.
    /// </summary>
    public static string ApiReferencePolicy(string nonce) =>
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Development only: <c>dotnet watch</c>'s browser refresh talks to its own WebSocket on another localhost port.
    /// </summary>
    public static string DevelopmentPolicy(string nonce)
        => AppPolicy(nonce).Replace("connect-src 'self'", "connect-src 'self' ws://localhost:* wss://localhost:*", StringComparison.Ordinal);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Action<SecurityHeadersOptions>? configure = null)
    {
        var options = new SecurityHeadersOptions();
        configure?.Invoke(options);
        return app.Use(async (context, next) =>
        {
            // 128 random bits in hex: valid in a CSP nonce and never changed by HTML attribute encoding (unlike "+").
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
            var policy = options.PolicyFor(context.Request.Path)(nonce);
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = options.ReferrerPolicy;
                return Task.CompletedTask;
            });
            await next(context);
        });
    }

    /// <summary>This request's script nonce (empty outside the middleware, e.g. in component tests).</summary>
    public static string NonceOf(HttpContext? context) => context?.Items[NonceItem] as string ?? "";
}

/// <summary>Where the policy differs by path, and the referrer policy.</summary>
public sealed class SecurityHeadersOptions
{
    private readonly List<(PathString Prefix, Func<string, string> Policy)> _paths = [];

    /// <summary>The policy of every path without one of its own (given the request's nonce).</summary>
    public Func<string, string> DefaultPolicy { get; set; } = SecurityHeaders.AppPolicy;

    /// <summary><c>same-origin</c>: links out never carry our URLs (which hold search terms such as addresses).</summary>
    public string ReferrerPolicy { get; set; } = "same-origin";

    /// <summary>Uses <paramref name="policy"/> (given the request's nonce) for requests under <paramref name="prefix"/>.</summary>
    public SecurityHeadersOptions ForPath(PathString prefix, Func<string, string> policy)
    {
        _paths.Add((prefix, policy));
        return this;
    }

    internal Func<string, string> PolicyFor(PathString path)
    {
        foreach (var (prefix, policy) in _paths)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return policy;
            }
        }

        return DefaultPolicy;
    }
}
