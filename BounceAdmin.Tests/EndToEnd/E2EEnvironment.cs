namespace BounceAdmin.Tests.EndToEnd;

/// <summary>Where the browser is, whether the journeys run, and where their pictures go.</summary>
public static class E2EEnvironment
{
    /// <summary>Debian's Chromium; override with BOUNCEADMIN_CHROMIUM. Playwright never downloads a browser here.</summary>
    public static string ChromiumPath { get; } =
        Environment.GetEnvironmentVariable("BOUNCEADMIN_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>On CI a missing browser is a failure, never a skip.</summary>
    public static bool IsCi { get; } = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static bool ChromiumInstalled => File.Exists(ChromiumPath);

    /// <summary>The journeys run when the browser is there, and always on CI (where they then fail loudly).</summary>
    public static bool ShouldRun => ChromiumInstalled || IsCi;

    public static string SkipReason =>
        $"Chromium not found at {ChromiumPath}: install it with `apt-get install -y chromium` (or set BOUNCEADMIN_CHROMIUM). On CI (CI set) these journeys fail instead.";

    /// <summary>BOUNCEADMIN_SCREENSHOTS=1 makes the journeys save the README screenshots into wwwroot-assets/screenshots/.</summary>
    public static bool SaveReadmeScreenshots { get; } = Environment.GetEnvironmentVariable("BOUNCEADMIN_SCREENSHOTS") == "1";

    /// <summary>The repository root (the folder holding BounceAdmin.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ScreenshotsDir => Path.Combine(RepoRoot, "wwwroot-assets", "screenshots");

    /// <summary>Screenshots and HTML of failed steps; E2E_ARTIFACTS_DIR overrides TestResults/e2e-artifacts.</summary>
    public static string ArtifactsDir =>
        Environment.GetEnvironmentVariable("E2E_ARTIFACTS_DIR") is { Length: > 0 } d ? d : Path.Combine(RepoRoot, "TestResults", "e2e-artifacts");

    /// <summary>The clone the tests were built from (the build records it: BounceAdmin.Tests.csproj).</summary>
    private static string FindRepoRoot() =>
        typeof(E2EEnvironment).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BounceAdmin.RepoRoot")?.Value ?? Directory.GetCurrentDirectory();
}

/// <summary>
/// A browser journey: a <see cref="FactAttribute"/> that is skipped, with the install command as the reason, when
/// Chromium is missing on a developer machine. The one allowed skip; on CI the journey runs and fails instead.
/// </summary>
public sealed class E2EFactAttribute : FactAttribute
{
    public E2EFactAttribute()
    {
        if (!E2EEnvironment.ShouldRun)
        {
            Skip = E2EEnvironment.SkipReason;
        }
    }
}
