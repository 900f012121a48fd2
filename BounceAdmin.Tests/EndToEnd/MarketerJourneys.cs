using System.Text.RegularExpressions;
using BounceAdmin.Data;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>A Marketer's day on the demo data: find people, read the five bounce fields, read the bounces.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class MarketerJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task SearchFilterAndReadAPersonWithoutTheReport() => browser.RunJourneyAsync("marketer-people", async page =>
    {
        // An invalid person with a last name to search for. The lowest id keeps it apart from the Admin journey, which
        // unchecks Email Invalid on the highest id.
        await using var db = await DemoDataLookup.DbAsync(browser);
        var target = await db.People.AsNoTracking()
            .Where(p => p.EmailInvalid && !p.IsDeleted && p.Email != null && p.EmailInvalidCause != null && p.LastName != null)
            .OrderBy(p => p.Id).FirstAsync();
        var bounceCount = await db.BounceEvents.CountAsync(b => b.PersonId == target.Id);
        var invalidCount = await db.People.CountAsync(p => p.EmailInvalid && !p.IsDeleted);
        var email = target.Email!;
        var localPart = email[..email.IndexOf('@')];
        Assert.True(bounceCount > 0, "The demo data gave the chosen person no bounces.");

        // The Email Performance report is not offered to a Marketer: not in the navigation, not on the home page.
        await BrowserFixture.LoginAsync(page, IdentitySeeder.MarketerEmail);
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "People" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Email Performance" })).ToHaveCountAsync(0);
        await Expect(page.Locator("a[href*='reports']")).ToHaveCountAsync(0);

        await page.GotoAsync("/people");
        var grid = page.GetByTestId("people-grid");
        var links = grid.GetByTestId("person-link");
        await Expect(links.First).ToBeVisibleAsync(); // ServerData ran: the circuit is up
        await Expect(page.Locator("a[href*='reports']")).ToHaveCountAsync(0);

        // Text with '@' is an email prefix: every row starts with it, the person is among them.
        var prefix = (localPart + "@" + target.EmailDomain![..2]).ToLowerInvariant();
        var search = page.GetByLabel("Search people");
        await search.FillAsync(prefix);
        await Expect(page).ToHaveURLAsync(new Regex("[?&]q=" + Regex.Escape(Uri.EscapeDataString(prefix))));
        await Expect(links.GetByText(email, new() { Exact = true })).ToBeVisibleAsync();
        foreach (var shown in await links.AllInnerTextsAsync())
        {
            Assert.StartsWith(prefix, shown.ToLowerInvariant());
        }

        // A plain word matches email prefixes and names: the last name finds the person; every row matches the word somewhere.
        var word = target.LastName!.Split(' ', '-', '\'')[0];
        await search.FillAsync(word);
        await Expect(page).ToHaveURLAsync(new Regex("[?&]q=" + Regex.Escape(Uri.EscapeDataString(word))));
        await Expect(links.GetByText(email, new() { Exact = true })).ToBeVisibleAsync();
        var rows = grid.Locator("tbody tr.mud-table-row");
        foreach (var row in await rows.AllInnerTextsAsync())
        {
            Assert.Contains(word.ToLowerInvariant(), row.ToLowerInvariant());
        }

        // Status = Email Invalid through the select: the URL carries it and the total is the stored count.
        await search.FillAsync("");
        await Expect(page).Not.ToHaveURLAsync(new Regex("[?&]q="));
        await page.GetByTestId("people-status").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Email Invalid" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("[?&]status=invalid"));
        await Expect(grid.Locator(".mud-table-pagination-caption").Last).ToContainTextAsync($"of {invalidCount:N0}");
        Assert.Equal(invalidCount, await DemoDataLookup.PagerTotalAsync(grid));
        foreach (var chips in await grid.GetByTestId("status-chips").AllInnerTextsAsync())
        {
            Assert.Contains("Invalid", chips);
        }

        // The unfiltered list starts with people without an address (sorted by email); the filtered one makes the better picture.
        await BrowserFixture.ReadmeScreenshotAsync(page, "people", fullPage: false);

        // Both filters at once, then open the person from the list.
        await search.FillAsync(localPart + "@");
        await Expect(page).ToHaveURLAsync(new Regex("status=invalid"));
        var link = links.GetByText(email, new() { Exact = true });
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/people/{target.Id}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = email, Level = 1 })).ToBeVisibleAsync();

        // Person Info: the five fields under their exact labels, with the stored values; both boxes read-only.
        await ExpectFiveFieldsAsync(page, target);
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailInvalid, Exact = true })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailSuspended, Exact = true })).ToBeDisabledAsync();
        await Expect(page.GetByTestId("email-invalid-help")).ToContainTextAsync("Only an Admin can uncheck Email Invalid.");

        // Bounces tab: one row per stored bounce of this person (and of nobody else).
        await page.GetByTestId("tab-bounces").ClickAsync();
        var bounceRows = page.GetByTestId("bounces-table").Locator("tbody tr");
        await Expect(bounceRows).ToHaveCountAsync(bounceCount);
        var newest = await db.BounceEvents.AsNoTracking().Where(b => b.PersonId == target.Id)
            .OrderByDescending(b => b.OccurredAt).ThenByDescending(b => b.Id).FirstAsync();
        await Expect(bounceRows.First).ToContainTextAsync(DemoDataLookup.Shown(newest.OccurredAt));
        await Expect(bounceRows.First).ToContainTextAsync(newest.Reason);

        // The report's URL is refused, not just hidden.
        await page.GotoAsync("/reports/email-performance");
        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("report-grid")).ToHaveCountAsync(0);
    });

    [E2EFact]
    public Task ExplainABounce() => browser.RunJourneyAsync("marketer-bounces", async page =>
    {
        await BrowserFixture.LoginAsync(page, IdentitySeeder.MarketerEmail, path: "/bounces?category=2");
        var rows = page.Locator("tbody tr.mud-table-row");
        await Expect(rows.First).ToBeVisibleAsync();
        // The category in the URL is applied: the Category column (the third) says 2 on every row.
        Assert.All(await rows.Locator("td:nth-child(3)").AllInnerTextsAsync(), category => Assert.Equal("2", category.Trim()));

        // The first row's "why" opens the explanation of that very bounce, and the URL keeps it.
        var recipient = (await rows.First.Locator("td").Nth(1).InnerTextAsync()).Trim();
        await rows.First.GetByTestId("explain").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("[?&]bounce=\\d+"));
        var panel = page.GetByTestId("bounce-explanation");
        await Expect(panel.GetByText("In plain words")).ToBeVisibleAsync();
        await Expect(panel).ToContainTextAsync(recipient);
        await BrowserFixture.ReadmeScreenshotAsync(page, "bounces", fullPage: false);
    });

    /// <summary>The Person Info tab shows the five fields with their exact labels and the stored values.</summary>
    internal static async Task ExpectFiveFieldsAsync(IPage page, BounceAdmin.Data.Entities.Person person)
    {
        var info = page.GetByTestId("person-info");
        await Expect(info).ToBeVisibleAsync();
        var suspended = info.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailSuspended, Exact = true });
        var invalid = info.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailInvalid, Exact = true });
        if (person.EmailSuspended)
        {
            await Expect(suspended).ToBeCheckedAsync();
        }
        else
        {
            await Expect(suspended).Not.ToBeCheckedAsync();
        }

        if (person.EmailInvalid)
        {
            await Expect(invalid).ToBeCheckedAsync();
        }
        else
        {
            await Expect(invalid).Not.ToBeCheckedAsync();
        }

        await ExpectFieldAsync(page, "email-suspended-cause", FieldLabels.EmailSuspendedCause, person.EmailSuspendedCause ?? "—");
        await ExpectFieldAsync(page, "email-suspended-at", FieldLabels.EmailSuspendedAt,
            person.EmailSuspendedAt is { } at ? DemoDataLookup.Shown(at) : "—");
        await ExpectFieldAsync(page, "email-invalid-cause", FieldLabels.EmailInvalidCause, person.EmailInvalidCause ?? "—");
    }

    private static async Task ExpectFieldAsync(IPage page, string testId, string label, string value)
    {
        var field = page.GetByTestId(testId);
        await Expect(field.Locator("label").First).ToHaveTextAsync(label);
        await Expect(field).ToContainTextAsync(value);
    }
}
