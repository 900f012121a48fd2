using System.Net;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Security;

/// <summary>
/// The app in the Production environment (no demo users, HTTPS redirection to port 443, HSTS, Secure cookies), with
/// 10.9.8.7 as a known TLS proxy. A request may say which address it comes from with the test-only header
/// <see cref="RemoteHeader"/> (the in-process server has no socket, hence no address of its own).
/// </summary>
public sealed class ProductionBounceAdminFactory : BounceAdminFactory
{
    public const string RemoteHeader = "X-Test-Remote-Address";
    public const string Proxy = "10.9.8.7";
    public static readonly Uri Https = new("https://bounceadmin.test");
    public static readonly Uri Http = new("http://bounceadmin.test");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        builder.UseSetting("Security:HttpsPort", "443");
        builder.UseSetting("Security:KnownProxies:0", Proxy);
        builder.ConfigureServices(s => s.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteHeader, out var value) && IPAddress.TryParse(value, out var ip))
                {
                    context.Connection.RemoteIpAddress = ip;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
