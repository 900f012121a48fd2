using System.Text.RegularExpressions;
using BounceAdmin.Data;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>An Admin on a person's page: unchecking Email Invalid with a reason, and a suspension nobody can undo.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class AdminPersonJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task UncheckEmailInvalidWithAReasonThenReadTheAudit() => browser.RunJourneyAsync("admin-uncheck-invalid", async page =>
    {
        // The highest id, not suspended now: the Marketer journey reads the lowest one.
        var cutoff = DateTime.UtcNow - PersonStatus.SuspensionLength;
        int id;
        await using (var db = await DemoDataLookup.DbAsync(browser))
        {
            id = await db.People.Where(p => p.EmailInvalid && !p.IsDeleted && p.Email != null && p.EmailInvalidCause != null
                    && (p.EmailSuspendedAt == null || p.EmailSuspendedAt < cutoff))
                .OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync();
        }

        var before = await DemoDataLookup.PersonAsync(browser, id);
        var reason = $"The customer wrote from this address on {DateTime.UtcNow:yyyy-MM-dd} (journey {Guid.NewGuid():N})"[..80];

        await BrowserFixture.LoginAsync(page, IdentitySeeder.AdminEmail, path: $"/people/{id}");
        await BrowserFixture.WaitForPageReadyAsync(page);
        await MarketerJourneys.ExpectFiveFieldsAsync(page, before);
        var invalid = page.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailInvalid, Exact = true });
        await Expect(invalid).ToBeEnabledAsync();
        await Expect(invalid).ToBeCheckedAsync();

        // Unchecking asks first: a warning, and no save without a reason (blank counts as none).
        await invalid.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("reset-invalid-warning")).ToContainTextAsync("Only do this if you know this address is valid");
        await Expect(dialog.GetByTestId("reset-invalid-warning")).ToContainTextAsync(before.Email!);
        var confirm = dialog.GetByTestId("reset-invalid-confirm");
        await Expect(confirm).ToBeDisabledAsync();
        var reasonBox = dialog.GetByLabel("Reason");
        await reasonBox.FillAsync("   ");
        await Expect(dialog).ToContainTextAsync("A reason is required");
        await Expect(confirm).ToBeDisabledAsync();
        Assert.True((await DemoDataLookup.PersonAsync(browser, id)).EmailInvalid, "Nothing may be saved before the reason.");

        await reasonBox.FillAsync(reason);
        await Expect(confirm).ToBeEnabledAsync();
        await confirm.ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Locator(".mud-snackbar", new() { HasText = $"Email Invalid unchecked for {before.Email}" })).ToBeVisibleAsync();

        // After a reload (a new circuit, read from the database) the box stays unchecked and the cause is gone.
        await page.ReloadAsync();
        await BrowserFixture.WaitForPageReadyAsync(page);
        var reloaded = page.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailInvalid, Exact = true });
        await Expect(page.GetByTestId("person-info")).ToBeVisibleAsync();
        await Expect(reloaded).Not.ToBeCheckedAsync();
        await Expect(page.GetByTestId("email-invalid-cause")).ToContainTextAsync("—");
        var after = await DemoDataLookup.PersonAsync(browser, id);
        Assert.False(after.EmailInvalid);
        Assert.Null(after.EmailInvalidCause);

        // The Audit tab says who, when and why.
        await page.GetByTestId("tab-audit").ClickAsync();
        var row = page.GetByTestId("audit-row").Filter(new() { HasText = reason }).Filter(new() { HasText = "true → false" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(IdentitySeeder.AdminEmail);
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(FieldLabels.EmailInvalid);
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync(reason);
        DateTime at;
        await using (var db = await DemoDataLookup.DbAsync(browser))
        {
            at = await db.AuditEntries.Where(a => a.PersonId == id && a.Field == FieldLabels.EmailInvalid && a.Reason == reason)
                .Select(a => a.At).SingleAsync();
        }

        Assert.InRange(at, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow);
        await Expect(row.Locator("td").First).ToHaveTextAsync(DemoDataLookup.Shown(at));
    });

    [E2EFact]
    public Task ASuspendedPersonCannotBeUnsuspended() => browser.RunJourneyAsync("admin-suspended-now", async page =>
    {
        await BrowserFixture.LoginAsync(page, IdentitySeeder.AdminEmail, path: "/people?status=suspended");
        var links = page.GetByTestId("people-grid").GetByTestId("person-link");
        await Expect(links.First).ToBeVisibleAsync();
        // Prefer someone who is also Email Invalid: the README picture then shows all five fields filled in.
        var rows = page.GetByTestId("people-grid").Locator("tbody tr.mud-table-row");
        var both = rows.Filter(new() { Has = page.GetByTestId("status-chips").GetByText("Invalid", new() { Exact = true }) });
        var row = await both.CountAsync() > 0 ? both.First : rows.First;
        var href = await row.GetByTestId("person-link").GetAttributeAsync("href");
        var id = int.Parse(Regex.Match(href!, @"people/(\d+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var person = await DemoDataLookup.PersonAsync(browser, id);
        Assert.True(person.EmailSuspendedAt > DateTime.UtcNow - PersonStatus.SuspensionLength, "The list offered someone not suspended now.");

        await row.GetByTestId("person-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/people/{id}$"));
        await MarketerJourneys.ExpectFiveFieldsAsync(page, person);
        await Expect(page.GetByTestId("suspended-now")).ToContainTextAsync("Yes");
        var again = page.GetByTestId("mailable-again-at");
        await Expect(again.Locator("label").First).ToHaveTextAsync("Mailable again at");
        await Expect(again).ToContainTextAsync(DemoDataLookup.Shown(person.EmailSuspendedAt!.Value + PersonStatus.SuspensionLength));
        await BrowserFixture.ReadmeScreenshotAsync(page, "person-info");

        // Even an Admin cannot clear Email Suspended: the box is disabled, and a forced click changes nothing.
        var suspended = page.GetByRole(AriaRole.Checkbox, new() { Name = FieldLabels.EmailSuspended, Exact = true });
        await Expect(suspended).ToBeCheckedAsync();
        await Expect(suspended).ToBeDisabledAsync();
        await suspended.ClickAsync(new() { Force = true });
        await page.GetByTestId("person-info").GetByText(FieldLabels.EmailSuspended, new() { Exact = true }).ClickAsync(new() { Force = true });
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(suspended).ToBeCheckedAsync();
        var stored = await DemoDataLookup.PersonAsync(browser, id);
        Assert.True(stored.EmailSuspended);
        Assert.Equal(person.EmailSuspendedAt, stored.EmailSuspendedAt);
        Assert.Equal(person.Version, stored.Version);
    });
}
