using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;

namespace BounceAdmin.Tests.Features.People;

/// <summary>The Activity and Audit tabs on their own, with the real service.</summary>
public sealed class PersonHistoryTabsTests : BunitTestBase
{
    private static readonly DateTime Now = TestData.Now;

    [Fact]
    public void ActivityPagesThroughOlderRows()
    {
        SignInAs(Roles.Marketer);
        int id;
        using (var db = Db.NewContext())
        {
            var p = db.AddPerson("act@example.com");
            id = p.Id;
            var email = db.AddEmail("Weekly");
            for (var i = 0; i < 60; i++)
            {
                db.AddSend(email, p, Now.AddDays(-i));
            }
        }

        var cut = Ctx.Render<PersonActivityTab>(ps => ps.Add(x => x.PersonId, id));

        cut.WaitForAssertion(() => Assert.Equal(50, cut.FindAll("[data-testid=activity-table] tbody tr").Count));
        Assert.Contains("2026-11-20 12:00 UTC", cut.Find("[data-testid=activity-table] tbody tr").TextContent);
        cut.Find("[data-testid=activity-more]").Click();
        cut.WaitForAssertion(() => Assert.Equal(60, cut.FindAll("[data-testid=activity-table] tbody tr").Count));
        Assert.Empty(cut.FindAll("[data-testid=activity-more]"));
    }

    [Fact]
    public void ActivityLoadsOncePerPerson_SoAReRenderDoesNotRepeatRows_AndAnotherPersonStartsOver()
    {
        SignInAs(Roles.Marketer);
        int first, second;
        using (var db = Db.NewContext())
        {
            var a = db.AddPerson("one@example.com");
            var b = db.AddPerson("two@example.com");
            (first, second) = (a.Id, b.Id);
            var email = db.AddEmail("Weekly");
            for (var i = 0; i < 3; i++)
            {
                db.AddSend(email, a, Now.AddDays(-i));
            }

            db.AddSend(email, b, Now);
        }

        var cut = Ctx.Render<PersonActivityTab>(ps => ps.Add(x => x.PersonId, first));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=activity-table] tbody tr").Count));

        // The person page re-renders its tabs after every change: the same person must not append its rows again.
        cut.Render(ps => ps.Add(x => x.PersonId, first));
        cut.Render(ps => ps.Add(x => x.PersonId, first));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=activity-table] tbody tr").Count));

        cut.Render(ps => ps.Add(x => x.PersonId, second));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=activity-table] tbody tr")));
    }

    [Fact]
    public void AuditShowsWhoWhenFieldOldNewAndWhy()
    {
        SignInAs(Roles.Manager);
        int id;
        using (var db = Db.NewContext())
        {
            id = db.AddPerson("aud@example.com").Id;
            db.AuditEntries.Add(new AuditEntry
            {
                PersonId = id, At = Now.AddHours(-5), Actor = "admin@demo.local", Field = FieldLabels.EmailInvalid,
                OldValue = "true", NewValue = "false", Reason = "Verified by phone",
            });
            db.SaveChanges();
        }

        var cut = Ctx.Render<PersonAuditTab>(ps => ps.Add(x => x.PersonId, id));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=audit-row]")));
        var cells = cut.FindAll("[data-testid=audit-row] td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["2026-11-20 07:00 UTC", "admin@demo.local", "Email Invalid", "true → false", "Verified by phone"], cells);
    }

    [Fact]
    public void EmptyHistoriesSayWhatIsMissing()
    {
        SignInAs(Roles.Marketer);
        int id;
        using (var db = Db.NewContext())
        {
            id = db.AddPerson("new@example.com").Id;
        }

        Assert.NotNull(Ctx.Render<PersonActivityTab>(ps => ps.Add(x => x.PersonId, id)).WaitForElement("[data-testid=activity-empty]"));
        Assert.NotNull(Ctx.Render<PersonAuditTab>(ps => ps.Add(x => x.PersonId, id)).WaitForElement("[data-testid=audit-empty]"));
        Assert.NotNull(Ctx.Render<PersonBouncesTab>(ps => ps.Add(x => x.PersonId, id)).WaitForElement("[data-testid=bounces-empty]"));
    }
}
