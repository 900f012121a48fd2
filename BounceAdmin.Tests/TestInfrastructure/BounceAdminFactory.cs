using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BounceAdmin.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>
/// The whole app in process (<see cref="WebApplicationFactory{TEntryPoint}"/>) on a fresh SQLite file of its own, in
/// the Development environment so the three demo users exist. Demo data is skipped unless asked for, to keep start-up
/// at about a second. The file is deleted on dispose.
/// </summary>
public class BounceAdminFactory : WebApplicationFactory<Program>
{
    /// <summary>Without demo data (xunit fixtures need a parameterless constructor).</summary>
    public BounceAdminFactory()
        : this(seedDemoData: false)
    {
    }

    /// <param name="seedDemoData">Generate the demo people, emails and bounces at start-up (slower).</param>
    protected BounceAdminFactory(bool seedDemoData)
    {
        SeedDemoData = seedDemoData;
    }

    /// <summary>An app with the demo people, emails and bounces, for tests that need data to look at.</summary>
    public static BounceAdminFactory WithDemoData() => new(seedDemoData: true);

    /// <summary>Whether the demo people, emails and bounces are generated at start-up.</summary>
    public bool SeedDemoData { get; }

    public string DbPath { get; } = Path.Combine(Path.GetTempPath(), $"bounceadmin-test-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Settings given here are visible to Program before builder.Build(), where the connection string is read.
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={DbPath}");
        builder.UseSetting("BounceAdmin:SkipDemoData", SeedDemoData ? "false" : "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
    }

    /// <summary>Creates a user with one role through the app's own seeder (a fresh user keeps tests that lock or log out apart).</summary>
    public async Task<string> CreateUserAsync(string role, string password = IdentitySeeder.DemoPassword, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().CreateUserAsync(email, password, role);
        return email;
    }

    /// <summary>
    /// A client that keeps cookies (in <paramref name="cookies"/> when given, so a test can read or replay them) and
    /// does not follow redirects, so a test can see where it is sent.
    /// </summary>
    public HttpClient CreateBrowserLikeClient(CookieContainer? cookies = null)
        => CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies ?? new CookieContainer()));

    /// <summary>
    /// Logs in through the real login form: GET it for the antiforgery token, POST it like a browser. Returns the
    /// redirect response (302 on success; 200 with an error on failure).
    /// </summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var url = "/Account/Login" + (returnUrl is null ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var form = await client.GetStringAsync(url);
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        if (token.Length == 0)
        {
            throw new InvalidOperationException("The login page has no antiforgery token.");
        }

        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync(url, body);
    }

    /// <summary>A signed-in client for <paramref name="email"/>; throws if the login did not succeed.</summary>
    public async Task<HttpClient> LoginAsync(string email, string password = IdentitySeeder.DemoPassword, CookieContainer? cookies = null)
    {
        var client = CreateBrowserLikeClient(cookies);
        using var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Logging in as {email} failed: {(int)response.StatusCode}.");
        }

        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                try
                {
                    File.Delete(DbPath + suffix);
                }
                catch (IOException)
                {
                    // A file still held by a finishing request is left for the OS temp cleaner; it is uniquely named.
                }
            }
        }
    }
}

/// <summary>
/// The app on a real socket (Kestrel on a free 127.0.0.1 port), for a real browser. Same settings as
/// <see cref="BounceAdminFactory"/>; the server starts in the constructor.
/// </summary>
public class KestrelBounceAdminFactory : BounceAdminFactory
{
    public KestrelBounceAdminFactory()
        : this(seedDemoData: false)
    {
    }

    /// <summary>An app on a socket with the demo people, emails and bounces (screenshots, page journeys).</summary>
    public static new KestrelBounceAdminFactory WithDemoData() => new(seedDemoData: true);

    protected KestrelBounceAdminFactory(bool seedDemoData)
        : base(seedDemoData)
    {
        Port = FreePort();
        UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        StartServer();
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
