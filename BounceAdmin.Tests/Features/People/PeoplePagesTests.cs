using BounceAdmin.Data.Entities;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BounceAdmin.Tests.Features.People;

/// <summary>The /people list and the /people/{id} page, rendered whole with the real services.</summary>
public sealed class PeoplePagesTests : BunitTestBase
{
    private static readonly DateTime Now = TestData.Now;

    private NavigationManager Nav => Ctx.Services.GetRequiredService<NavigationManager>();

    private void SeedPeople()
    {
        using var db = Db.NewContext();
        db.AddPerson("ann@example.com", p => { p.FirstName = "Ann"; p.LastName = "Smith"; p.Company = "Globex"; });
        db.AddPerson("bad@example.com", p => { p.EmailInvalid = true; p.LastName = "Bad"; });
        db.AddPerson("sus@other.org", p => { p.EmailSuspended = true; p.EmailSuspendedAt = Now.AddHours(-3); p.LastName = "Sus"; });
    }

    private static List<string> GridEmails(IRenderedComponent<PeoplePage> cut)
        => cut.FindAll("[data-testid=person-link]").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public void ListShowsPeopleWithLinksAndChips()
    {
        SignInAs(Roles.Marketer);
        SeedPeople();
        var cut = Ctx.Render<PeoplePage>();

        cut.WaitForAssertion(() => Assert.Equal(["ann@example.com", "bad@example.com", "sus@other.org"], GridEmails(cut)));
        var bad = cut.FindAll("tbody tr.mud-table-row").Single(r => r.TextContent.Contains("bad@example.com"));
        Assert.Contains("Invalid", bad.QuerySelector("[data-testid=status-chips]")!.TextContent);
        var sus = cut.FindAll("tbody tr.mud-table-row").Single(r => r.TextContent.Contains("sus@other.org"));
        Assert.Contains("Suspended now", sus.TextContent);
        Assert.Contains("2026-11-20 09:00 UTC", sus.TextContent);
        var link = cut.FindAll("[data-testid=person-link]").First();
        Assert.Matches(@"people/\d+$", link.GetAttribute("href"));
        Assert.Contains("Ann Smith", cut.Markup);
    }

    [Fact]
    public void TheUrlQueryDrivesSearchAndStatus()
    {
        SignInAs(Roles.Marketer);
        SeedPeople();
        Nav.NavigateTo("people?q=%40example&status=invalid");
        var cut = Ctx.Render<PeoplePage>();

        cut.WaitForAssertion(() => Assert.Equal(["bad@example.com"], GridEmails(cut)));
    }

    [Fact]
    public void TypingASearchUpdatesTheUrlAndTheGrid()
    {
        SignInAs(Roles.Marketer);
        SeedPeople();
        Nav.NavigateTo("people");
        var cut = Ctx.Render<PeoplePage>();
        cut.WaitForAssertion(() => Assert.Equal(3, GridEmails(cut).Count));

        var search = cut.Find("[data-testid=people-search]");
        Assert.Equal("Search people", search.Closest(".mud-input-control")!.QuerySelector("label")!.TextContent.Trim());
        search.Input("sus@");

        cut.WaitForAssertion(() => Assert.Equal(["sus@other.org"], GridEmails(cut)), TimeSpan.FromSeconds(5));
        Assert.EndsWith("people?q=sus%40", Nav.Uri);
    }

    [Fact]
    public void ChoosingAStatusUpdatesTheUrlAndTheGrid()
    {
        SignInAs(Roles.Admin);
        SeedPeople();
        Nav.NavigateTo("people?q=%40example");
        var popovers = Ctx.Render<MudPopoverProvider>();
        var cut = Ctx.Render<PeoplePage>();
        cut.WaitForAssertion(() => Assert.Equal(["ann@example.com", "bad@example.com"], GridEmails(cut)));

        var select = cut.Find("[data-testid=people-status]").Closest(".mud-input-control")!;
        Assert.Equal("Status", select.QuerySelector("label")!.TextContent.Trim());
        select.MouseDown();
        popovers.WaitForAssertion(() => Assert.Contains("Mailable", popovers.Markup));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Email Invalid").Click();

        cut.WaitForAssertion(() => Assert.Equal(["bad@example.com"], GridEmails(cut)));
        Assert.EndsWith("people?q=%40example&status=invalid", Nav.Uri);
    }

    [Fact]
    public void NoMatchShowsTheEmptyStateWithAHint()
    {
        SignInAs(Roles.Manager);
        SeedPeople();
        Nav.NavigateTo("people?q=nobody-like-this");
        var cut = Ctx.Render<PeoplePage>();

        cut.WaitForAssertion(() => Assert.Contains("No people match", cut.Find("[data-testid=people-empty]").TextContent));
    }

    [Fact]
    public void PersonPageShowsHeaderAndTabsAndLoadsBouncesWhenOpened()
    {
        SignInAs(Roles.Marketer);
        int id;
        using (var db = Db.NewContext())
        {
            var p = db.AddPerson("ivy@example.com", x => { x.EmailInvalid = true; x.EmailInvalidCause = "550 5.1.1"; x.FirstName = "Ivy"; x.LastName = "Lee"; });
            id = p.Id;
            db.BounceEvents.Add(new BounceEvent
            {
                PersonId = id, Recipient = "ivy@example.com", RecipientDomain = "example.com", Category = 2, Reason = "userunknown",
                Kind = BounceKind.Hard, Status = "5.1.1", ReplyCode = 550, Diagnostic = "smtp; 550 5.1.1 <ivy@example.com>: user unknown",
                Source = "dsn", Rule = "dsn-status-5.1.1", RuleExplanation = "Enhanced status 5.1.1: bad destination mailbox",
                OccurredAt = Now.AddDays(-1), ReceivedAt = Now.AddDays(-1), DedupKey = "k1", Changes = "Email Invalid: false → true",
            });
            db.SaveChanges();
        }

        var cut = Ctx.Render<PersonDetailsPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("ivy@example.com", cut.Find("[data-testid=person-header]").TextContent));
        Assert.Equal(["Person Info", "Bounces", "Activity", "Audit"], cut.FindAll(".mud-tab").Select(t => t.TextContent.Trim()));
        Assert.NotNull(cut.Find("[data-testid=person-info]"));
        Assert.Empty(cut.FindAll("[data-testid=bounces-table]"));

        cut.Find("[data-testid=tab-bounces]").Click();

        cut.WaitForAssertion(() => Assert.Contains("user unknown", cut.Find("code.bounce-diagnostic").TextContent));
        Assert.Contains("dsn-status-5.1.1", cut.Find("[data-testid=bounce-explain]").TextContent);
        Assert.Contains("2 (hard)", cut.Find("[data-testid=bounces-table]").TextContent);
    }

    [Fact]
    public void UnknownPersonShowsNotFound()
    {
        SignInAs(Roles.Marketer);
        var cut = Ctx.Render<PersonDetailsPage>(p => p.Add(x => x.Id, 4242));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=person-not-found]")));
    }

    [Fact]
    public void AdminResetOnThePageReloadsThePersonAndTheAudit()
    {
        SignInAs(Roles.Admin);
        int id;
        using (var db = Db.NewContext())
        {
            id = db.AddPerson("ivy@example.com", x => { x.EmailInvalid = true; x.EmailInvalidCause = "550 5.1.1"; }).Id;
        }

        var dialogs = Ctx.Render<MudDialogProvider>();
        var snackbars = Ctx.Render<MudSnackbarProvider>();
        var cut = Ctx.Render<PersonDetailsPage>(p => p.Add(x => x.Id, id));
        cut.WaitForElement("[data-testid=email-invalid]").Change(false);
        dialogs.WaitForElement("[data-testid=reset-invalid-reason]").Input("Bounce was a spam-filter false positive");
        dialogs.Find("[data-testid=reset-invalid-confirm]").Click();

        cut.WaitForAssertion(() =>
        {
            var box = cut.Find("[data-testid=email-invalid]");
            Assert.False(box.HasAttribute("checked"));
            Assert.True(box.HasAttribute("disabled"));
        });
        Assert.Contains("Mailable", cut.Find("[data-testid=person-header]").TextContent);
        snackbars.WaitForAssertion(() => Assert.Contains("Email Invalid unchecked", snackbars.Markup));

        cut.Find("[data-testid=tab-audit]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=audit-row]").Count));
        Assert.Contains("Bounce was a spam-filter false positive", cut.Find("[data-testid=audit-table]").TextContent);
        Assert.Contains("true → false", cut.Find("[data-testid=audit-table]").TextContent);
    }
}
