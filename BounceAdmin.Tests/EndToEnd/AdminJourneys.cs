using System.Text.RegularExpressions;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>The Admin workspace in a real browser: users and roles, bulk reset with undo, the audit log and its export.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class AdminJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task ManageUsersAndRoles() => browser.RunJourneyAsync("admin-users", async page =>
    {
        var email = $"new-{Guid.NewGuid():N}"[..12] + "@test.local";
        // The Content-Security-Policy must not block anything Blazor or MudBlazor needs (the browser reports each block).
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                blocked.Add(message.Text);
            }
        };
        await BrowserFixture.LoginAsync(page, IdentitySeeder.AdminEmail, path: "/admin/users");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users & roles" })).ToBeVisibleAsync();
        // Rows appear once the circuit is up (the list loads after the first interactive render).
        await BrowserFixture.WaitForPageReadyAsync(page);
        var adminRow = page.Locator("tr", new() { Has = page.GetByTestId("user-email").GetByText(IdentitySeeder.AdminEmail, new() { Exact = true }) });
        await Expect(adminRow).ToBeVisibleAsync();

        // Identity's own password rules come back as messages.
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Initial password").FillAsync("short");
        await page.GetByTestId("create-user").ClickAsync();
        await Expect(page.GetByTestId("user-errors")).ToContainTextAsync("at least");

        // No composition rules: a passphrase of lower-case words is fine; a common password is not.
        await page.GetByLabel("Initial password").FillAsync("qwerty123456");
        await page.GetByTestId("create-user").ClickAsync();
        await Expect(page.GetByTestId("user-errors")).ToContainTextAsync("common or breached");
        await page.GetByLabel("Initial password").FillAsync("first pass phrase");
        await page.GetByTestId("create-user").ClickAsync();
        var row = page.Locator("tr", new() { Has = page.GetByTestId("user-email").GetByText(email, new() { Exact = true }) });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("Not locked");
        await BrowserFixture.ReadmeScreenshotAsync(page, "admin-users");

        // Lock (confirmed in a dialog), then unlock.
        await page.GetByTestId($"lock-{email}").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Lock" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Locked by an Admin");
        await page.GetByTestId($"unlock-{email}").ClickAsync();
        await Expect(row).ToContainTextAsync("Not locked");

        // Change the role through the row's select, confirmed in a dialog.
        await row.Locator("div.mud-input-control.mud-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = Roles.Manager }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Change role" }).ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = $"{email} is now a Manager" })).ToBeVisibleAsync();

        // Reset the password; the user then logs in with the new one.
        await page.GetByTestId($"reset-{email}").ClickAsync();
        await page.GetByLabel("New password").FillAsync("Second-Pass-2");
        await page.GetByTestId("reset-save").ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "New password set" })).ToBeVisibleAsync();

        await using (var other = await browser.NewContextAsync())
        {
            var userPage = await other.NewPageAsync();
            await BrowserFixture.LoginAsync(userPage, email, "Second-Pass-2");
            // A Manager opening an Admin page is turned away.
            await userPage.GotoAsync("/admin/users");
            await Expect(userPage.GetByTestId("access-denied")).ToBeVisibleAsync();
        }

        // The last Admin cannot be demoted.
        await adminRow.Locator("div.mud-input-control.mud-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = Roles.Marketer }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Change role" }).ClickAsync();
        await Expect(page.GetByTestId("user-errors")).ToContainTextAsync("last active Admin");

        // Delete the new user, confirmed in a dialog.
        await page.GetByTestId($"delete-{email}").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = $"{email} is deleted" })).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);

        Assert.Empty(blocked);
    });

    [E2EFact]
    public Task BulkResetThenAuditThenUndo() => browser.RunJourneyAsync("admin-bulk-reset", async page =>
    {
        var domain = $"incident-{Guid.NewGuid():N}"[..17] + ".example";
        await ArrangeInvalidPeopleAsync(domain, 3);

        await BrowserFixture.LoginAsync(page, IdentitySeeder.AdminEmail, path: "/admin/bulk-reset");
        await BrowserFixture.WaitForPageReadyAsync(page);
        await page.GetByLabel("Receiving domain", new() { Exact = true }).FillAsync(domain);
        await page.GetByTestId("bulk-preview").ClickAsync();
        await Expect(page.GetByTestId("bulk-count")).ToContainTextAsync("3 people have Email Invalid checked");
        await Expect(page.GetByTestId("bulk-preview-table").Locator("tbody tr")).ToHaveCountAsync(3);

        // The reason is required before the button works.
        await Expect(page.GetByTestId("bulk-apply")).ToBeDisabledAsync();
        await page.GetByLabel("Reason (required)").FillAsync("The provider confirmed a filtering incident");
        // The button comes alive after the server saw the reason; the picture should show it so.
        await Expect(page.GetByTestId("bulk-apply")).ToBeEnabledAsync();
        await BrowserFixture.ReadmeScreenshotAsync(page, "admin-bulk-reset");
        await page.GetByTestId("bulk-apply").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("for 3 people");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reset 3 people" }).ClickAsync();
        await Expect(page.GetByTestId("bulk-done")).ToContainTextAsync("unchecked for 3 people");

        // The audit log shows the run, newest first, filtered to the incident's domain.
        await page.GetByTestId("bulk-done").GetByRole(AriaRole.Link, new() { Name = "See the audit entries" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/audit\\?batch="));
        await BrowserFixture.WaitForPageReadyAsync(page);
        var grid = page.GetByTestId("audit-grid");
        await Expect(grid.Locator("tbody tr.mud-table-row")).ToHaveCountAsync(6);
        await page.GetByLabel("Person (email or id)").FillAsync("p1@" + domain);
        await page.GetByTestId("audit-search").ClickAsync();
        await Expect(grid.Locator("tbody tr.mud-table-row")).ToHaveCountAsync(2);
        await Expect(grid.GetByTestId("audit-person").First).ToHaveAttributeAsync("href", new Regex("people/\\d+$"));
        await BrowserFixture.ReadmeScreenshotAsync(page, "admin-audit");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-export").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("p1@" + domain, csv);
        Assert.DoesNotContain("p2@" + domain, csv);
        Assert.Contains("The provider confirmed a filtering incident", csv);

        // Undo within 24 hours puts Email Invalid back, audited as its own run.
        await page.GotoAsync("/admin/bulk-reset");
        await BrowserFixture.WaitForPageReadyAsync(page);
        await page.GetByLabel("Reason for an undo").FillAsync("Reset by mistake");
        await page.GetByTestId("bulk-undo").First.ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Expect(page.GetByTestId("bulk-done")).ToContainTextAsync("Undone for 3 people");
        Assert.Equal(3, await CountInvalidAsync(domain));
    });

    private async Task ArrangeInvalidPeopleAsync(string domain, int count)
    {
        var factory = browser.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        for (var i = 1; i <= count; i++)
        {
            var email = $"p{i}@{domain}";
            db.People.Add(new Person
            {
                Email = email, EmailNormalized = email, EmailDomain = domain, FirstName = "Pat", LastName = $"Number {i}",
                EmailInvalid = true, EmailInvalidCause = "550 5.1.1 user unknown", CreatedAt = now.AddDays(-10), UpdatedAt = now.AddDays(-10),
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task<int> CountInvalidAsync(string domain)
    {
        var factory = browser.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.People.CountAsync(p => p.EmailDomain == domain && p.EmailInvalid);
    }
}
