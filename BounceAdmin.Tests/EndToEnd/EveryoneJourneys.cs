using System.Text.RegularExpressions;
using BounceAdmin.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>Journeys every user takes: logging in and out, mistakes, lockout, and the keyboard.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class EveryoneJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task EachDemoUserLogsInAndSeesTheirName() => browser.RunJourneyAsync("demo-users-log-in", async page =>
    {
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await BrowserFixture.ReadmeScreenshotAsync(page, "login");

        foreach (var (email, role) in IdentitySeeder.DemoUsers)
        {
            await using var context = await browser.NewContextAsync();
            var p = await context.NewPageAsync();
            await BrowserFixture.LoginAsync(p, email);
            await Expect(p.GetByRole(AriaRole.Heading, new() { Name = "BounceAdmin", Level = 1 })).ToBeVisibleAsync();

            // The navigation follows the role: only Admins see Administration.
            var adminLinks = p.GetByRole(AriaRole.Link, new() { Name = "Users & roles" });
            if (role == Roles.Admin)
            {
                await Expect(adminLinks).ToBeVisibleAsync();
                await BrowserFixture.ReadmeScreenshotAsync(p, "home");
            }
            else
            {
                await Expect(adminLinks).ToHaveCountAsync(0);
            }
        }
    });

    [E2EFact]
    public Task LogoutEndsTheSessionAndTheOldCookieIsRefused() => browser.RunJourneyAsync("logout", async page =>
    {
        var email = await browser.App.CreateUserAsync(Roles.Marketer);
        await BrowserFixture.LoginAsync(page, email);
        var cookiesBefore = await page.Context.CookiesAsync();
        Assert.Contains(cookiesBefore, c => c.Name == ".AspNetCore.Identity.Application");

        await page.GetByTestId("logout").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == ".AspNetCore.Identity.Application");

        // Someone who copied the cookie before the logout gets nothing: logout changed the user's security stamp.
        await using var thief = await browser.NewContextAsync();
        await thief.AddCookiesAsync(cookiesBefore.Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
        var stolen = await thief.NewPageAsync();
        await stolen.GotoAsync("/");
        await Expect(stolen).ToHaveURLAsync(new Regex("/Account/Login"));
    });

    [E2EFact]
    public Task ABadPasswordShowsTheError() => browser.RunJourneyAsync("bad-password", async page =>
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("input[name='Input.Email']", IdentitySeeder.ManagerEmail);
        await page.FillAsync("input[name='Input.Password']", "not-the-password");
        await page.ClickAsync("button[type=submit]");

        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("Invalid email or password.");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
    });

    [E2EFact]
    public Task FiveBadPasswordsLockTheAccount() => browser.RunJourneyAsync("lockout", async page =>
    {
        var email = await browser.App.CreateUserAsync(Roles.Manager);
        await page.GotoAsync("/Account/Login");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await page.FillAsync("input[name='Input.Email']", email);
            await page.FillAsync("input[name='Input.Password']", $"wrong-{attempt}");
            await page.ClickAsync("button[type=submit]");
            if (attempt < 5)
            {
                await Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
            }
        }

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Lockout"));
        await Expect(page.GetByTestId("lockout")).ToContainTextAsync("15 minutes");

        // Even the right password is refused while the lockout lasts.
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("input[name='Input.Email']", email);
        await page.FillAsync("input[name='Input.Password']", IdentitySeeder.DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Lockout"));
    });

    [E2EFact]
    public Task LogInWithTheKeyboardOnly() => browser.RunJourneyAsync("keyboard-login", async page =>
    {
        await page.GotoAsync("/Account/Login");

        // Tab from the top of the page to the email field: it must be reachable, and early.
        var reached = false;
        for (var i = 0; i < 10 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") == "Input.Email";
        }

        Assert.True(reached, "The email field was not reached with 10 presses of Tab.");
        await page.Keyboard.TypeAsync(IdentitySeeder.MarketerEmail);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Input.Password", await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''"));
        await page.Keyboard.TypeAsync(IdentitySeeder.DemoPassword);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByTestId("current-user")).ToHaveTextAsync(IdentitySeeder.MarketerEmail);
    });
}
