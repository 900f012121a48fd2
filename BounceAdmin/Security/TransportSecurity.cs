using System.Net;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;

namespace BounceAdmin.Security;

/// <summary>
/// HTTPS, HSTS, forwarded headers and cookie flags (README "Security"). Outside Development every cookie is
/// <c>Secure</c>; in every environment cookies are <c>HttpOnly</c> and at least <c>SameSite=Lax</c>.
/// </summary>
public static class TransportSecurity
{
    /// <summary>Addresses of the TLS proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (loopback always is).</summary>
    public const string KnownProxiesSetting = "Security:KnownProxies";

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of trusted proxies.</summary>
    public const string KnownNetworksSetting = "Security:KnownNetworks";

    /// <summary>The public HTTPS port HTTP requests are redirected to (when Kestrel itself serves HTTPS it is found alone).</summary>
    public const string HttpsPortSetting = "Security:HttpsPort";

    public static IServiceCollection AddBounceAdminTransportSecurity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var development = environment.IsDevelopment();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults (loopback) stay: a proxy on the same machine is trusted.
            foreach (var proxy in configuration.GetSection(KnownProxiesSetting).Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip)
                    ? ip
                    : throw new InvalidOperationException($"{KnownProxiesSetting}: '{proxy}' is not an IP address."));
            }

            foreach (var network in configuration.GetSection(KnownNetworksSetting).Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var net)
                    ? net
                    : throw new InvalidOperationException($"{KnownNetworksSetting}: '{network}' is not a network such as 10.0.0.0/8."));
            }
        });

        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
        });
        if (configuration.GetValue<int?>(HttpsPortSetting) is { } port)
        {
            services.AddHttpsRedirection(o => o.HttpsPort = port);
        }

        services.Configure<CookiePolicyOptions>(o =>
        {
            o.HttpOnly = HttpOnlyPolicy.Always;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
            // Development runs on plain http://localhost, where a Secure cookie would not come back.
            o.Secure = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.ConfigureApplicationCookie(o =>
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        return services;
    }
}
