using System.Text.RegularExpressions;
using BounceAdmin.Data;
using BounceAdmin.Identity;
using BounceAdmin.Tests.EndToEnd;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BounceAdmin.Tests.Features.BounceHealth;

/// <summary>Bounce health in a real browser: a Manager reaches it from the menu, sees the spike and follows it to the bounces.</summary>
[Collection(E2ECollection.Name)]
[Trait("Category", "E2E")]
public sealed class BounceHealthJourney(BrowserFixture browser)
{
    [E2EFact]
    public Task ManagerFollowsAnIncidentToItsBounces() => browser.RunJourneyAsync("bounce-health", async page =>
    {
        // The app runs on the real clock, so the spike is placed two days before today (inside "Last 30 days").
        var today = DateTime.UtcNow.Date;
        var spike = DateTime.SpecifyKind(today.AddDays(-2), DateTimeKind.Utc);
        var domain = $"spike-{Guid.NewGuid():N}"[..14] + ".test";
        var factory = browser.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.AddDays(spike.AddDays(-35), spike, domain, sent: 100, hard: 1);
            db.AddStat(spike, domain, sent: 100, hard: 30);
        }

        // Straight to the page (clicking the menu before the circuit is up races the prerendered home page).
        await BrowserFixture.LoginAsync(page, IdentitySeeder.ManagerEmail, path: "/reports/bounce-health");
        await BrowserFixture.WaitForPageReadyAsync(page);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Bounce health" })).ToHaveAttributeAsync("href", "reports/bounce-health");

        var incident = page.GetByTestId("incident").Filter(new() { HasText = domain });
        await Expect(incident).ToContainTextAsync("30.0 %");
        await Expect(page.GetByTestId("rates-chart").Locator("svg").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("domains-table")).ToBeVisibleAsync();
        await BrowserFixture.ReadmeScreenshotAsync(page, "bounce-health");

        await incident.GetByTestId("incident-link").ClickAsync();
        var day = spike.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page).ToHaveURLAsync(new Regex($"/bounces\\?domain={Regex.Escape(domain)}&from={day}&to={day}&kind=Hard"));
    });
}
