using System.Net;
using BounceAdmin.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Security;

/// <summary>The app refuses to start outside Development while demo accounts or demo webhook secrets are present.</summary>
public sealed class DemoAccountsException(string message) : Exception(message);

/// <summary>
/// Demo accounts (<c>@demo.local</c>, with a password printed in the README) and the demo webhook secrets of
/// <c>appsettings.Development.json</c> must never reach a deployment. Outside Development the app refuses to start
/// when it finds either, unless <c>Security:LockDemoAccounts</c> is true, in which case the accounts are locked
/// (signed out everywhere) and the app starts. In Development the demo webhook secrets are accepted only from this
/// machine.
/// </summary>
public static class DemoAccounts
{
    public const string Domain = "@demo.local";

    /// <summary>Set to true to lock the demo accounts and start instead of refusing.</summary>
    public const string LockSetting = "Security:LockDemoAccounts";

    /// <summary>The endpoints that have a demo secret in Development, the setting that holds it, and its demo value.</summary>
    public static readonly IReadOnlyList<(string Path, string Setting, string DemoValue)> DemoWebhookSecrets =
    [
        ("/api/webhooks/mailgun", "Webhooks:Mailgun:SigningKey", "demo-mailgun-signing-key"),
        ("/api/webhooks/postmark", "Webhooks:Postmark:Password", "demo-postmark-password"),
        ("/api/webhooks/generic", "Webhooks:Generic:Token", "demo-generic-token"),
    ];

    /// <summary>
    /// Outside Development: throws <see cref="DemoAccountsException"/> (with what was found and what to do) when the
    /// database has <c>@demo.local</c> users or a demo webhook secret is configured; with
    /// <see cref="LockSetting"/> the accounts are locked instead. Returns how many accounts it locked.
    /// </summary>
    public static async Task<int> EnforceOutsideDevelopmentAsync(IServiceProvider services, IConfiguration configuration, ILogger logger)
    {
        var secrets = DemoWebhookSecrets.Where(s => configuration[s.Setting] == s.DemoValue).Select(s => s.Setting).ToList();
        if (secrets.Count > 0)
        {
            throw new DemoAccountsException(
                $"Refusing to start: the Development demo webhook secret is configured for {string.Join(", ", secrets)} outside " +
                "Development. Set a secret of your own (environment variable or user secrets) or turn the webhook off.");
        }

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var suffix = Domain.ToUpperInvariant();
        var demo = await users.Users.Where(u => u.NormalizedEmail != null && u.NormalizedEmail.EndsWith(suffix)).ToListAsync();
        if (demo.Count == 0)
        {
            return 0;
        }

        var names = string.Join(", ", demo.Select(u => u.Email).Order(StringComparer.Ordinal));
        if (!configuration.GetValue(LockSetting, false))
        {
            throw new DemoAccountsException(
                $"Refusing to start: the database has demo accounts ({names}), whose password is public, and the " +
                "environment is not Development. This database was probably copied from a development machine. Use a " +
                $"fresh database, or start once with {LockSetting}=true to lock these accounts.");
        }

        var locked = 0;
        foreach (var user in demo)
        {
            if (user.LockoutEnd is { } end && end == DateTimeOffset.MaxValue)
            {
                continue;
            }

            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            await users.UpdateSecurityStampAsync(user);
            locked++;
        }

        logger.LogWarning("Locked {Count} demo account(s) outside Development ({Names}); they cannot sign in.", locked, names);
        return locked;
    }

    /// <summary>
    /// In Development: a request to a webhook whose configured secret is the demo one is refused (403) unless it
    /// comes from a loopback address (or a local, non-IP connection such as the in-process test server).
    /// </summary>
    public static IApplicationBuilder UseDemoWebhookSecretsFromLoopbackOnly(this IApplicationBuilder app, IConfiguration configuration)
        => app.Use(async (context, next) =>
        {
            if (IsRefused(context, configuration))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("The Development demo webhook secrets are accepted only from this machine.");
                return;
            }

            await next(context);
        });

    internal static bool IsRefused(HttpContext context, IConfiguration configuration)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return false;
        }

        foreach (var (path, setting, demoValue) in DemoWebhookSecrets)
        {
            if (context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase) && configuration[setting] == demoValue)
            {
                return true;
            }
        }

        return false;
    }
}
