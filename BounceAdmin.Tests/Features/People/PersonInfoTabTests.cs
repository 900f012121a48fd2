using BounceAdmin.Data;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BounceAdmin.Tests.Features.People;

/// <summary>The Person Info tab for each role, with the real services on a real SQLite database.</summary>
public sealed class PersonInfoTabTests : BunitTestBase
{
    private static readonly DateTime Now = TestData.Now;

    public static TheoryData<string> AllRoles => [Roles.Marketer, Roles.Manager, Roles.Admin];

    private int SeedInvalidPerson()
    {
        using var db = Db.NewContext();
        return db.AddPerson("ivy@example.com", p => { p.EmailInvalid = true; p.EmailInvalidCause = "550 5.1.1 user unknown"; }).Id;
    }

    private PersonDetails Details(int id)
        => Ctx.Services.GetRequiredService<PeopleService>().GetDetailsAsync(id).GetAwaiter().GetResult()!;

    private (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<PersonInfoTab> Tab) RenderTab(int id, Action? onChanged = null)
    {
        var dialogs = Ctx.Render<MudDialogProvider>();
        var tab = Ctx.Render<PersonInfoTab>(p => p
            .Add(x => x.Person, Details(id))
            .Add(x => x.OnChanged, () => onChanged?.Invoke()));
        return (dialogs, tab);
    }

    private static string LabelOf(IRenderedComponent<PersonInfoTab> tab, string testId)
        => tab.Find($"[data-testid={testId}]").Closest("label")!.TextContent.Trim();

    private static string FieldLabelOf(IRenderedComponent<PersonInfoTab> tab, string testId)
        => tab.Find($"[data-testid={testId}] label").TextContent.Trim();

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void ShowsTheFiveFieldsWithTheirExactLabels(string role)
    {
        SignInAs(role);
        var (_, tab) = RenderTab(SeedInvalidPerson());

        Assert.Equal("Email Suspended", LabelOf(tab, "email-suspended"));
        Assert.Equal("Email Invalid", LabelOf(tab, "email-invalid"));
        Assert.Equal("Email Suspended Cause", FieldLabelOf(tab, "email-suspended-cause"));
        Assert.Equal("Email Suspended At", FieldLabelOf(tab, "email-suspended-at"));
        Assert.Equal("Email Invalid Cause", FieldLabelOf(tab, "email-invalid-cause"));
        Assert.Contains("550 5.1.1 user unknown", tab.Find("[data-testid=email-invalid-cause]").TextContent);
        Assert.Equal("Mailable", FieldLabelOf(tab, "mailable"));
        Assert.Contains("No: Email Invalid", tab.Find("[data-testid=mailable]").TextContent);
        Assert.Equal("Suspended now", FieldLabelOf(tab, "suspended-now"));
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void EmailSuspendedIsAlwaysDisabledWithAnExplanation(string role)
    {
        SignInAs(role);
        int id;
        using (var db = Db.NewContext())
        {
            id = db.AddPerson("sam@example.com", p =>
            {
                p.EmailSuspended = true;
                p.EmailSuspendedCause = "554 5.7.1 blocked by policy";
                p.EmailSuspendedAt = Now.AddHours(-2);
            }).Id;
        }

        var (_, tab) = RenderTab(id);
        var box = tab.Find("[data-testid=email-suspended]");
        Assert.True(box.HasAttribute("disabled"));
        Assert.True(box.HasAttribute("checked"));
        Assert.Equal("email-suspended-help", box.GetAttribute("aria-describedby"));
        Assert.Contains("It can never be cleared", tab.Find("#email-suspended-help").TextContent);
        Assert.Contains("554 5.7.1 blocked by policy", tab.Find("[data-testid=email-suspended-cause]").TextContent);
        Assert.Contains("2026-11-20 10:00 UTC", tab.Find("[data-testid=email-suspended-at]").TextContent);
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public void EmailInvalidIsDisabledForNonAdmins(string role)
    {
        SignInAs(role);
        var (dialogs, tab) = RenderTab(SeedInvalidPerson());

        var box = tab.Find("[data-testid=email-invalid]");
        Assert.True(box.HasAttribute("disabled"));
        Assert.True(box.HasAttribute("checked"));
        Assert.Contains("Only an Admin can uncheck Email Invalid", tab.Find("[data-testid=email-invalid-help]").TextContent);

        // Even a forged change event from a non-Admin opens no dialog and keeps the box checked.
        box.Change(false);
        Assert.Empty(dialogs.FindAll("[data-testid=reset-invalid-dialog]"));
        Assert.True(tab.Find("[data-testid=email-invalid]").HasAttribute("checked"));
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task NonAdminsCallingTheServiceDirectlyAreForbidden(string role)
    {
        SignInAs(role);
        var id = SeedInvalidPerson();
        var admin = Ctx.Services.GetRequiredService<PersonAdminService>();

        await Assert.ThrowsAsync<ForbiddenException>(() => admin.ResetEmailInvalidAsync(id, "I know it is valid"));

        await using var db = Db.NewContext();
        Assert.True((await db.People.SingleAsync(p => p.Id == id)).EmailInvalid);
        Assert.Empty(db.AuditEntries);
    }

    [Fact]
    public void EmailInvalidIsEnabledForAdmin()
    {
        SignInAs(Roles.Admin);
        var (_, tab) = RenderTab(SeedInvalidPerson());

        var box = tab.Find("[data-testid=email-invalid]");
        Assert.False(box.HasAttribute("disabled"));
        Assert.True(box.HasAttribute("checked"));
    }

    [Fact]
    public void UncheckingOpensTheDialogWhichRefusesAnEmptyReason()
    {
        SignInAs(Roles.Admin);
        var id = SeedInvalidPerson();
        var (dialogs, tab) = RenderTab(id);

        tab.Find("[data-testid=email-invalid]").Change(false);

        dialogs.WaitForAssertion(() => Assert.Contains("Only do this if you know this address is valid",
            dialogs.Find("[data-testid=reset-invalid-warning]").TextContent));
        Assert.Equal("Reason", dialogs.Find("[data-testid=reset-invalid-reason]").Closest(".mud-input-control")!
            .QuerySelector("label")!.TextContent.Trim());
        Assert.True(dialogs.Find("[data-testid=reset-invalid-confirm]").HasAttribute("disabled"));

        Assert.DoesNotContain("A reason is required", dialogs.Markup);
        dialogs.Find("[data-testid=reset-invalid-reason]").Input("   ");
        Assert.True(dialogs.Find("[data-testid=reset-invalid-confirm]").HasAttribute("disabled"));
        dialogs.WaitForAssertion(() => Assert.Contains("A reason is required", dialogs.Markup));

        using var db = Db.NewContext();
        Assert.True(db.People.Single(p => p.Id == id).EmailInvalid);
        Assert.Empty(db.AuditEntries);
    }

    [Fact]
    public void ConfirmingWithAReasonUnchecksAndWritesTheAudit()
    {
        SignInAs(Roles.Admin);
        var id = SeedInvalidPerson();
        var changed = 0;
        var (dialogs, tab) = RenderTab(id, () => changed++);

        tab.Find("[data-testid=email-invalid]").Change(false);
        dialogs.WaitForElement("[data-testid=reset-invalid-reason]").Input("Customer confirmed by phone");
        dialogs.Find("[data-testid=reset-invalid-confirm]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=reset-invalid-dialog]")));
        tab.WaitForAssertion(() => Assert.Equal(1, changed));

        using var db = Db.NewContext();
        var person = db.People.Single(p => p.Id == id);
        Assert.False(person.EmailInvalid);
        Assert.Null(person.EmailInvalidCause);
        var audit = db.AuditEntries.Where(a => a.PersonId == id).OrderBy(a => a.Id).ToList();
        Assert.Equal([FieldLabels.EmailInvalid, FieldLabels.EmailInvalidCause], audit.Select(a => a.Field));
        Assert.All(audit, a =>
        {
            Assert.Equal("admin@test.local", a.Actor);
            Assert.Equal("Customer confirmed by phone", a.Reason);
            Assert.Equal(Now, a.At);
        });
        Assert.Equal(("true", "false"), (audit[0].OldValue, audit[0].NewValue));
    }

    [Fact]
    public void CancelKeepsTheBoxChecked()
    {
        SignInAs(Roles.Admin);
        var id = SeedInvalidPerson();
        var changed = 0;
        var (dialogs, tab) = RenderTab(id, () => changed++);

        tab.Find("[data-testid=email-invalid]").Change(false);
        dialogs.WaitForElement("[data-testid=reset-invalid-reason]").Input("typed, then changed my mind");
        dialogs.Find("[data-testid=reset-invalid-cancel]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=reset-invalid-dialog]")));
        tab.WaitForAssertion(() => Assert.True(tab.Find("[data-testid=email-invalid]").HasAttribute("checked")));
        Assert.False(tab.Find("[data-testid=email-invalid]").HasAttribute("disabled"));
        Assert.Equal(0, changed);

        using var db = Db.NewContext();
        Assert.True(db.People.Single(p => p.Id == id).EmailInvalid);
        Assert.Empty(db.AuditEntries);
    }

    [Fact]
    public async Task AConcurrentChangeShowsAFriendlyMessageAndSavesNothing()
    {
        SignInAs(Roles.Admin);
        var id = SeedInvalidPerson();
        var (dialogs, tab) = RenderTab(id);
        tab.Find("[data-testid=email-invalid]").Change(false);
        dialogs.WaitForElement("[data-testid=reset-invalid-reason]").Input("Verified with the customer");

        // Someone else edits the person while the dialog is open: the version the dialog holds is now stale.
        await Ctx.Services.GetRequiredService<PersonAdminService>().UpdateAsync(id, new PersonEdit(Company: "New Co"));

        dialogs.Find("[data-testid=reset-invalid-confirm]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("changed by someone else",
            dialogs.Find("[data-testid=reset-invalid-error]").TextContent));
        await using var db = Db.NewContext();
        Assert.True((await db.People.SingleAsync(p => p.Id == id)).EmailInvalid);
        // Only the other edit's own audit entry (UpdateAsync audits every field it changes); nothing of the reset.
        Assert.Equal(["Company"], await db.AuditEntries.Select(a => a.Field).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void MailableAgainAtIsShownForAPersonSuspendedWithin24Hours(string role)
    {
        SignInAs(role);
        int id;
        using (var db = Db.NewContext())
        {
            id = db.AddPerson("sue@example.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = Now.AddHours(-2); }).Id;
        }

        var (_, tab) = RenderTab(id);

        Assert.Equal("Mailable again at", FieldLabelOf(tab, "mailable-again-at"));
        Assert.Contains("2026-11-21 10:00 UTC", tab.Find("[data-testid=mailable-again-at]").TextContent);
        Assert.StartsWith("Yes", tab.Find("[data-testid=suspended-now] .mud-input-slot").TextContent.Trim());
        Assert.Contains("No: Email Suspended (within 24 hours)", tab.Find("[data-testid=mailable]").TextContent);
    }

    [Fact]
    public void MailableAgainAtIsHiddenWhenTheSuspensionIsOverOrNotTheOnlyReason()
    {
        SignInAs(Roles.Marketer);
        int over, alsoInvalid;
        using (var db = Db.NewContext())
        {
            over = db.AddPerson("old@example.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = Now.AddHours(-24); }).Id;
            alsoInvalid = db.AddPerson("both@example.com", p =>
            {
                p.EmailSuspended = true;
                p.EmailSuspendedAt = Now.AddHours(-1);
                p.EmailInvalid = true;
            }).Id;
        }

        var (_, overTab) = RenderTab(over);
        Assert.Empty(overTab.FindAll("[data-testid=mailable-again-at]"));
        Assert.Contains("Yes", overTab.Find("[data-testid=mailable]").TextContent);
        Assert.True(overTab.Find("[data-testid=email-suspended]").HasAttribute("checked"));

        var both = Ctx.Render<PersonInfoTab>(p => p.Add(x => x.Person, Details(alsoInvalid)));
        Assert.Empty(both.FindAll("[data-testid=mailable-again-at]"));
        Assert.Contains("Email Invalid", both.Find("[data-testid=mailable]").TextContent);
    }
}
