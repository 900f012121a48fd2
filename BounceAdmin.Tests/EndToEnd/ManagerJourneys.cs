using System.Globalization;
using System.Text.RegularExpressions;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Microsoft.VisualBasic.FileIO;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>A Manager reads the Email Performance Report: time frames, a drill-down, and the CSV export.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class ManagerJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task ReportTimeFramesDrillDownAndCsv() => browser.RunJourneyAsync("manager-report", async page =>
    {
        // Straight to the report: a link clicked while the prerendered page is still connecting its circuit can be lost.
        await BrowserFixture.LoginAsync(page, IdentitySeeder.ManagerEmail, path: "/reports/email-performance");
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Email Performance" }))
            .ToHaveAttributeAsync("href", "reports/email-performance");
        var grid = page.GetByTestId("report-grid");
        // The report counts only once the circuit is up, so a total means the page is interactive.
        await Expect(page.GetByTestId("total-sent")).ToBeVisibleAsync();

        // Each preset: the page states the preset's interval, and the Sent total is the stored sends in it (each email
        // once per person), counted here straight from the table.
        var sent7 = await ChoosePresetAsync(page, ReportTimeFramePreset.Last7Days);
        var sent90 = await ChoosePresetAsync(page, ReportTimeFramePreset.Last90Days);
        Assert.True(sent90 > sent7, $"Last 90 days ({sent90}) must count more sends than the last 7 days ({sent7}).");
        await Expect(page).ToHaveURLAsync(new Regex("preset=Last90Days"));
        await BrowserFixture.ReadmeScreenshotAsync(page, "email-performance", fullPage: false);

        // The grid's rows, as shown: Email Name and Sent.
        var rows = grid.Locator("tbody tr.mud-table-row");
        var shown = new Dictionary<string, int>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var cells = rows.Nth(i).Locator("td");
            shown.Add((await cells.Nth(0).InnerTextAsync()).Trim(), DemoDataLookup.Number(await cells.Nth(1).InnerTextAsync()));
        }

        Assert.Equal(sent90, shown.Values.Sum());

        // The CSV export is a real download whose rows are the grid's rows, plus the totals.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var records = ReadCsv(await download.PathAsync());
        Assert.Equal(EmailPerformanceExport.ReportHeaders, records[0]);
        var exported = records.Skip(1).SkipLast(1).ToDictionary(r => r[0], r => int.Parse(r[1], CultureInfo.InvariantCulture));
        Assert.Equal(shown.OrderBy(p => p.Key), exported.OrderBy(p => p.Key));
        Assert.Equal(sent90, int.Parse(records[^1][1], CultureInfo.InvariantCulture));

        // A drill-down lists exactly the people behind the count clicked.
        var link = grid.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(@"^[1-9]\d* Hard Bounced of ") }).First;
        var label = await link.GetAttributeAsync("aria-label");
        var match = Regex.Match(label!, @"^(\d+) Hard Bounced of (.+): show the people$");
        var count = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var emailName = match.Groups[2].Value;
        await Expect(link).ToHaveTextAsync(count.ToString("N0", CultureInfo.InvariantCulture));
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/reports/email-performance/people\\?.*metric=HardBounced"));
        await Expect(page.GetByTestId("drilldown-title")).ToHaveTextAsync($"Hard Bounced: {emailName}");
        var people = page.GetByTestId("people-grid");
        await Expect(people.Locator("tbody tr.mud-table-row").First).ToBeVisibleAsync();
        Assert.Equal(count, await DemoDataLookup.PagerTotalAsync(people));
        Assert.All(await people.Locator("tbody tr.mud-table-row td:nth-child(3)").AllInnerTextsAsync(), n => Assert.Equal(emailName, n.Trim()));
        Assert.All(await people.Locator("tbody tr.mud-table-row td:nth-child(5)").AllInnerTextsAsync(), o => Assert.Contains("Hard", o));
    });

    /// <summary>Picks a preset in the select; returns the Sent total once the grid shows the stored count for it.</summary>
    private async Task<int> ChoosePresetAsync(IPage page, ReportTimeFramePreset preset)
    {
        await page.GetByTestId("preset").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = ReportTimeFrame.Label(preset) }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"preset={preset}"));

        var (from, to) = ReportTimeFrame.Resolve(preset, DateTime.UtcNow);
        await Expect(page.GetByTestId("time-frame")).ToContainTextAsync($"Sent from {DemoDataLookup.Shown(from)} up to (not including) {DemoDataLookup.Shown(to)}");
        int expected;
        await using (var db = await DemoDataLookup.DbAsync(browser))
        {
            expected = await db.Sends.Where(s => s.SentAt >= from && s.SentAt < to).Select(s => new { s.EmailId, s.PersonId }).Distinct().CountAsync();
        }

        Assert.True(expected > 0, $"The demo data has no sends in {preset}.");
        await Expect(page.GetByTestId("total-sent")).ToHaveTextAsync(expected.ToString("N0", CultureInfo.InvariantCulture));
        return expected;
    }

    private static List<string[]> ReadCsv(string path)
    {
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var records = new List<string[]>();
        while (!parser.EndOfData)
        {
            records.Add(parser.ReadFields()!);
        }

        return records;
    }
}
