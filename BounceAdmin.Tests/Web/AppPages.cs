using System.Reflection;
using BounceAdmin.Identity;
using Microsoft.AspNetCore.Components;

namespace BounceAdmin.Tests.Web;

/// <summary>The app's pages and who may open them (SPEC §1): the one table the access tests read.</summary>
public static class AppPages
{
    public static readonly IReadOnlyList<(string Path, string Roles)> All =
    [
        ("/", Identity.Roles.Anyone),
        ("/people", Identity.Roles.Anyone),
        ("/people/1", Identity.Roles.Anyone),
        ("/people/import", Identity.Roles.Admin),
        ("/bounces", Identity.Roles.Anyone),
        ("/bounces/quarantine", Identity.Roles.Admin),
        ("/reports/bounce-health", Identity.Roles.ReportReaders),
        ("/reports/email-performance", Identity.Roles.ReportReaders),
        ("/reports/email-performance/people", Identity.Roles.ReportReaders),
        ("/admin/users", Identity.Roles.Admin),
        ("/admin/audit", Identity.Roles.Admin),
        ("/admin/bulk-reset", Identity.Roles.Admin),
        ("/admin/api-keys", Identity.Roles.Admin),
    ];

    /// <summary>Every routable page of the app must be in <see cref="All"/>, so a new page cannot miss the access tests.</summary>
    public static IEnumerable<string> Unlisted => Templates
        .Where(t => !t.StartsWith("/Account", StringComparison.OrdinalIgnoreCase) && t is not "/Error" and not "/not-found")
        .Where(t => !All.Any(p => Matches(t, p.Path)));

    private static bool Matches(string template, string path)
    {
        var parts = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == segments.Length
            && parts.Zip(segments).All(p => p.First.StartsWith('{') || string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string[] Templates = typeof(Program).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
        .Select(r => r.Template)
        .ToArray();

    /// <summary>
    /// Whether a routable component in the app answers <paramref name="path"/>. Pages built on other branches are not
    /// here until they are merged; the access tests then expect a 404 instead of skipping the row, and check the page's
    /// access rules automatically once it exists.
    /// </summary>
    public static bool Exists(string path)
    {
        return Templates.Any(template => Matches(template, path));
    }

    public static bool Allows(string roles, string role) => roles.Split(',').Contains(role);
}
