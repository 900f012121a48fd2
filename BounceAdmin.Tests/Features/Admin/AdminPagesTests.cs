using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;

namespace BounceAdmin.Tests.Features.Admin;

/// <summary>The audit log and bulk reset pages over real services and SQLite (the users page needs Identity: see the E2E journey).</summary>
public sealed class AdminPagesTests : BunitTestBase
{
    public AdminPagesTests() => SignInAs(Roles.Admin);

    [Fact]
    public void TheAuditLogShowsAHintWhenEmpty()
    {
        var cut = Ctx.Render<AuditLogPage>();

        cut.WaitForAssertion(() => Assert.Contains("No audit entries match", cut.Find("[data-testid=audit-empty]").TextContent));
    }

    [Fact]
    public void TheAuditLogLinksEachEntryToItsPerson()
    {
        using (var db = Db.NewContext())
        {
            var p = db.AddPerson("ada@alpha.example");
            db.AuditEntries.Add(new AuditEntry { PersonId = p.Id, At = TestData.Now, Actor = "bounce", Field = FieldLabels.EmailInvalid, OldValue = "false", NewValue = "true", Reason = "550 5.1.1" });
            db.SaveChanges();
        }

        var cut = Ctx.Render<AuditLogPage>();

        cut.WaitForAssertion(() =>
        {
            var link = cut.Find("[data-testid=audit-person]");
            Assert.Equal("ada@alpha.example", link.TextContent.Trim());
            Assert.Matches("people/\\d+$", link.GetAttribute("href"));
            Assert.Contains("2026-11-20 12:00 UTC", cut.Markup);
        });
    }

    [Fact]
    public void BulkResetPreviewsTheCountAndWantsAReason()
    {
        using (var db = Db.NewContext())
        {
            db.AddPerson("a@alpha.example", p => p.EmailInvalid = true);
            db.AddPerson("b@alpha.example", p => p.EmailInvalid = true);
            db.AddPerson("c@alpha.example");
        }

        var cut = Ctx.Render<BulkResetPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=page-ready]"));
        cut.Find("input[data-testid=bulk-domain]").Change("alpha.example");
        cut.Find("button[data-testid=bulk-preview]").Click();

        cut.WaitForAssertion(() => Assert.Contains("2 people have Email Invalid checked", cut.Find("[data-testid=bulk-count]").TextContent));
        Assert.True(cut.Find("button[data-testid=bulk-apply]").HasAttribute("disabled"));
        Assert.Equal(2, cut.FindAll("[data-testid=bulk-preview-table] tbody tr").Count);
    }

    [Fact]
    public void BulkResetExplainsABadFilterInsteadOfFailing()
    {
        var cut = Ctx.Render<BulkResetPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=page-ready]"));
        cut.Find("input[data-testid=bulk-domain]").Change("not a domain");
        cut.Find("button[data-testid=bulk-preview]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Enter a receiving domain", cut.Find("[data-testid=bulk-error]").TextContent));
    }
}
