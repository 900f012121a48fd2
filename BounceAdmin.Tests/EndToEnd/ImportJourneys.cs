using System.Text;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>
/// Issue 12 in a real browser: an Admin imports a CSV of people, finds them on /people, and a bounce for one of them,
/// uploaded as an .eml on the Bounces page, is applied to that person instead of staying unmatched.
/// </summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class ImportJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task ImportPeopleThenABounceForOneOfThemIsApplied() => browser.RunJourneyAsync("import-people", async page =>
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var ada = $"ada.{tag}@import-journey.example";
        var bob = $"bob.{tag}@import-journey.example";
        var csv = $"Email Address;First Name;Last Name;Company\n{ada};Ada;Lovelace;Analytical Engines\n{bob};Bob;Babbage;Difference Ltd\nnot an address;X;Y;Z\n";

        // People → Import people (the Admin's link).
        await BrowserFixture.LoginAsync(page, IdentitySeeder.AdminEmail, path: "/people");
        // The grid loads its rows only once the circuit is up (ServerData never runs during prerender): a click on the
        // prerendered link before that can be lost when the circuit starts on the old address.
        await page.Locator("tbody tr.mud-table-row").First.WaitForAsync();
        await page.GetByTestId("people-import-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/people/import$"));
        await BrowserFixture.WaitForPageReadyAsync(page);
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "journey-people.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv),
        });
        await Expect(page.GetByTestId("import-file")).ToContainTextAsync("separator ';'");

        // Preview: two new, one rejected with its reason; nothing written yet.
        await page.GetByTestId("import-preview").ClickAsync();
        await Expect(page.GetByTestId("import-counts")).ToContainTextAsync("2 new");
        await Expect(page.GetByTestId("import-counts")).ToContainTextAsync("1 rejected");
        await Expect(page.GetByTestId("import-issues")).ToContainTextAsync("not a valid email address");
        await using (var db = await DemoDataLookup.DbAsync(browser))
        {
            Assert.False(await db.People.AnyAsync(p => p.EmailNormalized == ada));
        }

        // Import, confirmed in a dialog.
        await page.GetByTestId("import-run").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("2 new and 0 updated people");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("import-done")).ToContainTextAsync("Imported 3 rows: 2 new");
        await Expect(page.GetByTestId("import-batches")).ToContainTextAsync("journey-people.csv");

        // They are on /people.
        await page.GetByTestId("import-see-people").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/people$"));
        await Expect(page.GetByTestId("person-link").First).ToBeVisibleAsync();
        await page.GetByLabel("Search people").FillAsync($"ada.{tag}@");
        await Expect(page.GetByTestId("person-link").Filter(new() { HasText = ada })).ToBeVisibleAsync();

        // A hard bounce for Ada, uploaded on the Bounces page, is applied to her, not left unmatched.
        await page.GotoAsync("/bounces");
        // The grid's rows load over the circuit once it is interactive; the upload then reaches the server.
        await Expect(page.GetByTestId("explain").First).ToBeVisibleAsync();
        await page.GetByTestId("bounce-upload").Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "ada-bounce.eml", MimeType = "message/rfc822", Buffer = TestBounces.Dsn(ada, id: tag),
        });
        var summary = page.GetByTestId("upload-summary");
        await Expect(summary).ToBeVisibleAsync();
        var cells = await summary.Locator("tbody td").AllInnerTextsAsync();
        Assert.Equal(["1", "1", "1", "0", "0"], cells.Take(5).Select(c => c.Trim()));

        await using var check = await DemoDataLookup.DbAsync(browser);
        var person = await check.People.AsNoTracking().SingleAsync(p => p.EmailNormalized == ada);
        Assert.True(person.EmailInvalid);
        Assert.NotNull(person.ImportBatchId);
        var bounce = await check.BounceEvents.AsNoTracking().SingleAsync(b => b.Recipient == ada);
        Assert.Equal(person.Id, bounce.PersonId);
        Assert.NotEqual(BounceOutcome.Unmatched, bounce.Outcome);
    });
}
