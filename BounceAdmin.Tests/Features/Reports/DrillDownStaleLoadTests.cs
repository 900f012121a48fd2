using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Reports;

/// <summary>
/// The drill-down follows the link last opened: a slow lookup for the link before (held at its database context)
/// must not put that email's name, or its people, on the page after the newer link has loaded.
/// </summary>
public sealed class DrillDownStaleLoadTests : HeldLoadsTestBase
{
    private static string Link(int? emailId)
        => "/reports/email-performance/people?metric=Sent&from=2026-10-21&to=2026-11-21" + (emailId is { } id ? $"&email={id}" : "");

    private static List<string> GridEmails(IRenderedComponent<EmailPerformanceDrillDownPage> cut)
        => cut.FindAll("tbody tr.mud-table-row a").Select(a => a.TextContent.Trim()).Order().ToList();

    [Fact]
    public async Task TheEmailLastLinkedToWinsWhenTheEarlierLookupIsSlower()
    {
        SignInAs(Roles.Manager);
        int newsletter, promo;
        using (var db = Db.NewContext())
        {
            var news = db.AddEmail("Newsletter");
            var pro = db.AddEmail("Promo");
            db.AddSend(news, db.AddPerson("ann@x.com"), TestData.Now.AddDays(-2));
            db.AddSend(pro, db.AddPerson("cy@x.com"), TestData.Now.AddDays(-1));
            await EmailStats.RebuildAsync(db);
            (newsletter, promo) = (news.Id, pro.Id);
        }

        var nav = Ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(Link(null));
        var cut = Ctx.Render<EmailPerformanceDrillDownPage>();
        cut.WaitForAssertion(() => Assert.Equal(["ann@x.com", "cy@x.com"], GridEmails(cut)));

        var hold = Loads.HoldNext();
        await cut.InvokeAsync(() => nav.NavigateTo(Link(newsletter)));
        await hold.Reached.WaitAsync(Timeout);
        await cut.InvokeAsync(() => nav.NavigateTo(Link(promo)));
        hold.Release();

        // The held lookup goes on in a later turn of the dispatcher; this lets it land before the page is read.
        await cut.InvokeAsync(() => { });
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Sent: Promo", cut.Find("[data-testid=drilldown-title]").TextContent.Trim());
            Assert.Equal(["cy@x.com"], GridEmails(cut));
        }, Timeout);
    }
}
