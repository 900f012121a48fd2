using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>
/// Reads the app's database behind the browser: the journeys pick their people from the demo data and check what the
/// page shows against what is stored, so a page that shows wrong values fails.
/// </summary>
public static class DemoDataLookup
{
    /// <summary>A short-lived context on the app's own database.</summary>
    public static Task<AppDbContext> DbAsync(BrowserFixture browser)
        => browser.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>The person as stored now.</summary>
    public static async Task<Person> PersonAsync(BrowserFixture browser, int id)
    {
        await using var db = await DbAsync(browser);
        return await db.People.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    /// <summary>How <c>TimeDisplay</c> writes a UTC time.</summary>
    public static string Shown(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm") + " UTC";

    /// <summary>The number in a page text such as "1,234" or "1-25 of 1,234".</summary>
    public static int Number(string text) => int.Parse(text.Replace(",", "").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The total a MudBlazor pager shows ("1-25 of 123" → 123).</summary>
    public static async Task<int> PagerTotalAsync(ILocator grid)
    {
        var caption = await grid.Locator(".mud-table-pagination-caption").Last.InnerTextAsync();
        var of = caption.LastIndexOf("of", StringComparison.Ordinal);
        return Number(caption[(of + 2)..]);
    }
}
