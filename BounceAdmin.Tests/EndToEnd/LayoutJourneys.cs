using System.Text.RegularExpressions;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.EndToEnd;

/// <summary>The main pages with the keyboard only, on a laptop screen and on a phone.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class LayoutJourneys(BrowserFixture browser)
{
    [E2EFact]
    public Task FindAndOpenAPersonWithTheKeyboardOnly() => browser.RunJourneyAsync("keyboard-people", async page =>
    {
        string email;
        int id;
        await using (var db = await DemoDataLookup.DbAsync(browser))
        {
            var person = await db.People.AsNoTracking().Where(p => p.EmailInvalid && !p.IsDeleted && p.Email != null)
                .OrderBy(p => p.Id).Skip(1).FirstAsync();
            (email, id) = (person.Email!, person.Id);
        }

        await BrowserFixture.LoginAsync(page, IdentitySeeder.MarketerEmail, path: "/people");
        var links = page.GetByTestId("people-grid").GetByTestId("person-link");
        await Expect(links.First).ToBeVisibleAsync();

        // From the top of the page, Tab reaches the search box (app bar and navigation come first).
        await TabUntilAsync(page, "el => !!el.closest('[data-testid=people-search]') && el.tagName === 'INPUT'", "the people search");
        await page.Keyboard.TypeAsync(email[..(email.IndexOf('@') + 1)]);
        await Expect(links.GetByText(email, new() { Exact = true })).ToBeVisibleAsync();

        // On through the status select and the column headers to the person's link; Enter opens the person.
        await TabUntilAsync(page, $"el => el.tagName === 'A' && el.textContent.trim() === {System.Text.Json.JsonSerializer.Serialize(email)}", $"the link of {email}");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"/people/{id}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = email, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("person-info")).ToBeVisibleAsync();

        // The tabs follow the ARIA tabs pattern: Tab reaches the selected tab, the arrow keys move along, Enter opens.
        // Blazor's FocusOnNavigate moves the focus to the h1 whenever its focus call and the person's render happen to
        // meet, which can be in the middle of the Tab presses; after a reload (F5) it reliably lands on the h1 first.
        await page.ReloadAsync();
        await BrowserFixture.WaitForPageReadyAsync(page);
        await Expect(page.Locator("h1:focus")).ToHaveTextAsync(email);
        await TabUntilAsync(page, "el => el.getAttribute('role') === 'tab' && el.getAttribute('aria-selected') === 'true'", "the selected tab");
        var focused = page.Locator("*:focus");
        await Expect(focused).ToHaveTextAsync("Person Info");
        // The tab list moves the focus after a round-trip to the server: wait for it rather than read it at once.
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(focused).ToHaveTextAsync("Bounces");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("bounces-table").Or(page.GetByTestId("bounces-empty"))).ToBeVisibleAsync();
    });

    [E2EFact]
    public Task MainPagesFitALaptopAndAPhone() => browser.RunJourneyAsync("layout", async page =>
    {
        int personId;
        await using (var db = await DemoDataLookup.DbAsync(browser))
        {
            personId = await db.People.Where(p => p.EmailInvalid && !p.IsDeleted).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        }

        // Each page with what it shows once its data is there.
        (string Path, Func<IPage, ILocator> Ready)[] pages =
        [
            ("/", p => p.GetByRole(AriaRole.Heading, new() { Level = 1 })),
            ("/people", p => p.GetByTestId("person-link").First),
            ($"/people/{personId}", p => p.GetByTestId("person-info")),
            ("/bounces", p => p.GetByTestId("explain").First),
            ("/reports/email-performance", p => p.GetByTestId("report-grid").Locator("tbody tr.mud-table-row").First),
            ("/admin/users", p => p.GetByTestId("user-email").First),
            ("/admin/audit", p => p.GetByTestId("audit-grid").Locator("tbody tr.mud-table-row").First),
        ];

        await BrowserFixture.LoginAsync(page, IdentitySeeder.AdminEmail);
        var problems = new List<string>();
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (path, ready) in pages)
            {
                await page.GotoAsync(path);
                await Expect(ready(page)).ToBeVisibleAsync();
                // The app bar keeps Log out wholly on screen (it used to be pushed off the right edge of a phone).
                await Expect(page.GetByTestId("logout")).ToBeInViewportAsync(new() { Ratio = 1 });
                // The whole page must not scroll sideways; a wide grid scrolls inside its own box instead.
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                if (overflow > 1)
                {
                    // Name the culprits: the innermost elements that reach past the right edge.
                    var culprits = await page.EvaluateAsync<string>("""
                        () => [...document.querySelectorAll('body *')]
                            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
                            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' "' + (e.textContent || '').trim().slice(0, 40) + '"').join(', ')
                        """);
                    problems.Add($"{path} at {width}×{height} is {overflow}px wider than the screen ({culprits})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("; ", problems));

        // On the phone the navigation is a drawer: closed over the content, opened by the menu button, and it navigates.
        await page.GotoAsync("/people");
        await Expect(page.GetByTestId("person-link").First).ToBeVisibleAsync();
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        var bouncesLink = nav.GetByRole(AriaRole.Link, new() { Name = "Bounces" });
        await Expect(bouncesLink).Not.ToBeInViewportAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await Expect(bouncesLink).ToBeInViewportAsync();
        await bouncesLink.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/bounces$"));
        await Expect(page.GetByTestId("explain").First).ToBeVisibleAsync();
        await Expect(bouncesLink).Not.ToBeInViewportAsync();
    });

    /// <summary>Presses Tab until the focused element satisfies <paramref name="predicate"/> (a JS function of the element).</summary>
    private static async Task TabUntilAsync(IPage page, string predicate, string what, int maxPresses = 60)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => {{ const el = document.activeElement; return !!el && ({predicate})(el); }}"))
            {
                return;
            }
        }

        Assert.Fail($"Tab did not reach {what} in {maxPresses} presses.");
    }
}
