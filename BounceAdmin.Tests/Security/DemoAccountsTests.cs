using System.Net;
using BounceAdmin.Data;
using BounceAdmin.Identity;
using BounceAdmin.Security;
using BounceAdmin.Tests.Features.Admin;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Security;

/// <summary>Issue 14 point 9: demo accounts and demo webhook secrets never reach a deployment.</summary>
public sealed class DemoAccountsTests : IAsyncLifetime
{
    private readonly AdminTestContext _t = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private static IConfiguration Config(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public async Task ADemoAccountMakesTheAppRefuseToStartAndSaysWhy()
    {
        await _t.AddUserAsync("admin@demo.local", Roles.Admin);
        await _t.AddUserAsync("real.admin@example.com", Roles.Admin);

        var ex = await Assert.ThrowsAsync<DemoAccountsException>(() => DemoAccounts.EnforceOutsideDevelopmentAsync(_t.Services, Config(), NullLogger.Instance));

        Assert.Contains("admin@demo.local", ex.Message);
        Assert.DoesNotContain("real.admin@example.com", ex.Message);
        Assert.Contains(DemoAccounts.LockSetting, ex.Message);
    }

    [Fact]
    public async Task WithTheLockSettingTheDemoAccountsAreLockedAndSignedOut()
    {
        var demo = await _t.AddUserAsync("Marketer@Demo.Local", Roles.Marketer);
        var real = await _t.AddUserAsync("someone@example.com", Roles.Marketer);

        var locked = await DemoAccounts.EnforceOutsideDevelopmentAsync(_t.Services, Config((DemoAccounts.LockSetting, "true")), NullLogger.Instance);

        Assert.Equal(1, locked);
        var demoNow = await _t.ReloadUserAsync(demo.Id);
        Assert.Equal(DateTimeOffset.MaxValue, demoNow.LockoutEnd);
        Assert.NotEqual(demo.SecurityStamp, demoNow.SecurityStamp);
        Assert.Null((await _t.ReloadUserAsync(real.Id)).LockoutEnd);
        // A second start finds them locked already and starts again.
        Assert.Equal(0, await DemoAccounts.EnforceOutsideDevelopmentAsync(_t.Services, Config((DemoAccounts.LockSetting, "true")), NullLogger.Instance));
    }

    [Fact]
    public async Task AnAdminCannotCreateADemoAccount()
    {
        await _t.AddUserAsync("admin@example.com", Roles.Admin);

        var result = await _t.Get<BounceAdmin.Features.Admin.UserAdminService>().CreateUserAsync("new@Demo.Local", Roles.Marketer, "a long passphrase here");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains(DemoAccounts.Domain, StringComparison.Ordinal));
        Assert.DoesNotContain(await _t.Get<BounceAdmin.Features.Admin.UserAdminService>().ListUsersAsync(), u => u.Email == "new@Demo.Local");
    }

    [Fact]
    public async Task WithoutDemoAccountsTheAppStarts()
    {
        await _t.AddUserAsync("admin@example.com", Roles.Admin);

        Assert.Equal(0, await DemoAccounts.EnforceOutsideDevelopmentAsync(_t.Services, Config(), NullLogger.Instance));
    }

    [Theory]
    [InlineData("Webhooks:Generic:Token", "demo-generic-token")]
    [InlineData("Webhooks:Postmark:Password", "demo-postmark-password")]
    [InlineData("Webhooks:Mailgun:SigningKey", "demo-mailgun-signing-key")]
    public async Task ADemoWebhookSecretOutsideDevelopmentIsRefused(string setting, string value)
    {
        var ex = await Assert.ThrowsAsync<DemoAccountsException>(() => DemoAccounts.EnforceOutsideDevelopmentAsync(_t.Services, Config((setting, value)), NullLogger.Instance));

        Assert.Contains(setting, ex.Message);
    }

    [Fact]
    public async Task TheRealStartUpReturnsOneOnADatabaseWithDemoAccounts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bounceadmin-demo-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path}").Options;
            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                db.Users.Add(new ApplicationUser { UserName = "admin@demo.local", Email = "admin@demo.local", NormalizedEmail = "ADMIN@DEMO.LOCAL", NormalizedUserName = "ADMIN@DEMO.LOCAL" });
                await db.SaveChangesAsync();
            }

            var exit = await AppSetup.RunWebAppAsync(["--environment", "Production", "--ConnectionStrings:Default", $"Data Source={path}", "--urls", "http://127.0.0.1:0"]);

            Assert.Equal(1, exit);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Theory]
    [InlineData("203.0.113.7", "/api/webhooks/generic", true)]
    [InlineData("::ffff:203.0.113.7", "/api/webhooks/postmark", true)]
    [InlineData("127.0.0.1", "/api/webhooks/generic", false)]
    [InlineData("::1", "/api/webhooks/mailgun", false)]
    [InlineData("::ffff:127.0.0.1", "/api/webhooks/generic", false)]
    [InlineData("203.0.113.7", "/api/webhooks/sendgrid", false)]
    public void DemoWebhookSecretsAreAcceptedOnlyFromLoopback(string remote, string path, bool refused)
    {
        var config = Config(("Webhooks:Generic:Token", "demo-generic-token"), ("Webhooks:Postmark:Password", "demo-postmark-password"),
            ("Webhooks:Mailgun:SigningKey", "demo-mailgun-signing-key"));
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        http.Request.Path = path;

        Assert.Equal(refused, DemoAccounts.IsRefused(http, config));
    }

    [Fact]
    public void AnOwnSecretIsAcceptedFromAnywhere()
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        http.Request.Path = "/api/webhooks/generic";

        Assert.False(DemoAccounts.IsRefused(http, Config(("Webhooks:Generic:Token", "a-secret-of-our-own"))));
    }
}

/// <summary>The loopback rule in the running Development app: a demo-token webhook from another machine gets 403.</summary>
public sealed class DemoWebhookFromAnotherMachineTests(BounceAdminFactory app) : IClassFixture<BounceAdminFactory>
{
    [Theory]
    [InlineData("203.0.113.7", HttpStatusCode.Forbidden)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    public async Task TheDemoTokenWorksOnlyFromThisMachine(string remote, HttpStatusCode expected)
    {
        var client = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
                Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter>(s,
                    _ => new FixedRemoteAddress(IPAddress.Parse(remote)))))
            .CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", "demo-generic-token");

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    private sealed class FixedRemoteAddress(IPAddress address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            Microsoft.AspNetCore.Builder.UseExtensions.Use(app, (context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
