using System.Text.RegularExpressions;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Playwright;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>
/// One app on a real socket and one headless Chromium for every journey of the E2E collection. Each journey gets its
/// own browser context (fresh cookies), so journeys do not see each other's sessions. Nothing starts when the journeys
/// are skipped.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private KestrelBounceAdminFactory? _app;

    /// <summary>The app under test (use <c>App.Services</c> to arrange data, <c>App.CreateUserAsync</c> for fresh users).</summary>
    public KestrelBounceAdminFactory App => _app ?? throw new InvalidOperationException("The E2E fixture did not start.");

    public string BaseUrl => App.BaseUrl;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The E2E fixture did not start.");

    public async Task InitializeAsync()
    {
        if (!E2EEnvironment.ShouldRun)
        {
            return;
        }

        if (!E2EEnvironment.ChromiumInstalled)
        {
            throw new InvalidOperationException(E2EEnvironment.SkipReason);
        }

        // The journeys run against the demo data (people, bounces, sends over 90 days, people suspended now): the page
        // journeys look their people up in it; the Admin journeys add their own people on top. Seeding costs a few seconds once.
        _app = KestrelBounceAdminFactory.WithDemoData();
        // Expect(...) waits 5 s by default; two busy cores and a Blazor round-trip can need more.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = E2EEnvironment.ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _app?.Dispose();
    }

    /// <summary>
    /// Runs one journey in a fresh browser context. When a step fails, a full-page screenshot and the page's HTML are
    /// saved under TestResults/e2e-artifacts/&lt;name&gt;-*.png|html before the failure is rethrown.
    /// </summary>
    public async Task RunJourneyAsync(string name, Func<IPage, Task> journey)
    {
        await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        try
        {
            await journey(page);
        }
        catch (Exception)
        {
            await SaveFailureAsync(page, name);
            throw;
        }
    }

    /// <summary>A second context in the same journey (another user, or a replayed cookie).</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        context.SetDefaultTimeout(20_000);
        return context;
    }

    /// <summary>Logs in through the real login form and waits until the app shell shows the user's name.</summary>
    public static async Task LoginAsync(IPage page, string email, string password = IdentitySeeder.DemoPassword, string path = "/")
    {
        await page.GotoAsync("/Account/Login?ReturnUrl=" + Uri.EscapeDataString(path));
        await page.FillAsync("input[name='Input.Email']", email);
        await page.FillAsync("input[name='Input.Password']", password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("current-user")).ToHaveTextAsync(email);
    }

    /// <summary>
    /// Waits for the page's <c>data-testid="page-ready"</c> marker, rendered once the Blazor circuit is up and the first
    /// data is loaded. Text typed into a prerendered input before that is lost when the circuit takes over. Pages without
    /// the marker: wait for something they only show when interactive (e.g. grid rows from ServerData).
    /// </summary>
    public static Task WaitForPageReadyAsync(IPage page)
        => Assertions.Expect(page.GetByTestId("page-ready")).ToBeAttachedAsync();

    /// <summary>With BOUNCEADMIN_SCREENSHOTS=1, saves a README screenshot as wwwroot-assets/screenshots/&lt;name&gt;.png.</summary>
    /// <param name="fullPage">The whole page (default) or only the viewport (for long lists).</param>
    public static async Task ReadmeScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        if (!E2EEnvironment.SaveReadmeScreenshots)
        {
            return;
        }

        // Animations off: a button or snackbar caught half-way through its fade looks disabled or broken in the picture.
        Directory.CreateDirectory(E2EEnvironment.ScreenshotsDir);
        var path = Path.Combine(E2EEnvironment.ScreenshotsDir, name + ".png");
        var viewport = page.ViewportSize;
        if (viewport is not null)
        {
            // The mouse rests where the last click was (a column header, a button) and its hover effects would show;
            // park it in the empty margin under the app bar's right end.
            await page.Mouse.MoveAsync(viewport.Width - 2, 56);
        }

        var height = await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        if (!fullPage || viewport is null || height <= viewport.Height)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
            return;
        }

        // A full-page capture keeps the viewport's height, so the fixed navigation drawer would end half-way down the
        // picture. A viewport as tall as the page draws the drawer to the bottom; the width (and so the layout) is unchanged.
        await page.SetViewportSizeAsync(viewport.Width, height);
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        }
        finally
        {
            await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        }
    }

    private static async Task SaveFailureAsync(IPage page, string name)
    {
        try
        {
            Directory.CreateDirectory(E2EEnvironment.ArtifactsDir);
            var file = Path.Combine(E2EEnvironment.ArtifactsDir, $"{Regex.Replace(name, "[^A-Za-z0-9_-]", "-")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file + ".png", FullPage = true, Timeout = 10_000 });
            await File.WriteAllTextAsync(file + ".html", await page.ContentAsync());
        }
        catch (PlaywrightException)
        {
            // The page may be gone (crashed browser); the original failure is what matters.
        }
    }
}

/// <summary>All journeys share one app and one browser, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "E2E";
}
