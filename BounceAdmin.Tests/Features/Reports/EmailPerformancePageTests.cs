using BounceAdmin.Components.Shared;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace BounceAdmin.Tests.Features.Reports;

public sealed class EmailPerformancePageTests : BunitTestBase
{
    private static readonly DateTime Now = TestData.Now;

    private (int NewsletterId, int OpenedPersonId) Seed()
    {
        using var db = Db.NewContext();
        var news = db.AddEmail("Newsletter");
        var promo = db.AddEmail("Promo");
        var ann = db.AddPerson("ann@x.com");
        db.AddEvent(db.AddSend(news, ann, Now.AddDays(-2)), EmailEventType.Opened, Now.AddDays(-2));
        db.AddBounce(db.AddSend(news, db.AddPerson("bob@x.com"), Now.AddDays(-2)), BounceKind.Hard);
        db.AddSend(promo, db.AddPerson("cy@x.com"), Now.AddDays(-1));
        db.AddSend(promo, db.AddPerson("old@x.com"), Now.AddDays(-200));
        // Plain inserts bypass the report's hooks: count them once.
        EmailStats.RebuildAsync(db).GetAwaiter().GetResult();
        return (news.Id, ann.Id);
    }

    /// <summary>Counts a send through the report's hook, as the code that records sends does.</summary>
    private static void RecordSend(BounceAdmin.Data.AppDbContext db, EmailSend send)
        => EmailStats.RecordSendAsync(db, send.Id).GetAwaiter().GetResult();

    [Fact]
    public void ManagerSeesOneRowPerEmailAndTheTotalsRow()
    {
        SignInAs(Roles.Manager);
        var (newsletterId, _) = Seed();

        var cut = Ctx.Render<EmailPerformancePage>();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=total-sent]").TextContent.Trim()));
        var rows = cut.FindAll("tbody tr.mud-table-row");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Newsletter", rows[0].TextContent);
        Assert.Contains("Promo", rows[1].TextContent);
        Assert.Equal("Total", cut.Find("[data-testid=totals-label]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=total-delivered]").TextContent.Trim());
        Assert.Equal("1", cut.Find("[data-testid=total-hard]").TextContent.Trim());
        Assert.Equal("100.0 %", cut.Find("[data-testid=total-pct-opened]").TextContent.Trim());
        foreach (var label in EmailPerformanceExport.ReportHeaders)
        {
            Assert.Contains(cut.FindAll("th"), th => th.TextContent.Contains(label, StringComparison.Ordinal));
        }

        var deliveredLink = rows[0].QuerySelectorAll("a").Select(a => a.GetAttribute("href")).First(h => h!.Contains("metric=Delivered"));
        Assert.StartsWith($"/reports/email-performance/people?email={newsletterId}&metric=Delivered&from=", deliveredLink);
    }

    [Fact]
    public void ColumnChooserHidesAColumn()
    {
        SignInAs(Roles.Manager);
        Seed();
        var provider = Ctx.Render<MudBlazor.MudPopoverProvider>();
        var cut = Ctx.Render<EmailPerformancePage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=total-aborted]")));

        var chooser = cut.FindAll("div.mud-input-control").Single(d => d.TextContent.Contains("Columns", StringComparison.Ordinal));
        chooser.MouseDown();
        cut.WaitForAssertion(() => Assert.Contains("Clicked-to-Opened ratio", provider.Markup));
        provider.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Aborted").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=total-aborted]")));
        Assert.DoesNotContain(cut.FindAll("th"), th => th.TextContent.Trim() == "Aborted");
        Assert.NotEmpty(cut.FindAll("[data-testid=total-pending]"));
    }

    [Fact]
    public void ExportButtonsDownloadTheGridThroughTheJsHelper()
    {
        SignInAs(Roles.Manager);
        Seed();
        var download = Ctx.JSInterop.SetupVoid(FileDownloads.JsFunction, _ => true);
        download.SetVoidResult();
        var cut = Ctx.Render<EmailPerformancePage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=total-sent]")));

        cut.Find("[data-testid=export-csv]").Click();
        cut.Find("[data-testid=export-excel]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, download.Invocations[FileDownloads.JsFunction].Count));
        var calls = download.Invocations[FileDownloads.JsFunction];
        var csv = calls[0].Arguments;
        Assert.EndsWith(".csv", (string)csv[0]!);
        Assert.Equal("text/csv", csv[1]);
        // The file travels as a stream; a MemoryStream still gives its bytes after the page has disposed it.
        var stream = Assert.IsType<DotNetStreamReference>(csv[2]);
        var text = System.Text.Encoding.UTF8.GetString(Assert.IsType<MemoryStream>(stream.Stream).ToArray());
        Assert.StartsWith("Email Name,Sent,Delivered,", text);
        Assert.Contains("Total,3,", text);
        Assert.EndsWith(".xlsx", (string)calls[1].Arguments[0]!);
    }

    [Fact]
    public void ChoosingAPresetPutsItInTheUrlAndRecounts()
    {
        SignInAs(Roles.Manager);
        Seed();
        using (var db = Db.NewContext())
        {
            RecordSend(db, db.AddSend(db.Emails.First(), db.AddPerson("tenago@x.com"), Now.AddDays(-10)));
        }

        var nav = Ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/reports/email-performance?preset=Last30Days&hideDeleted=true");
        var provider = Ctx.Render<MudBlazor.MudPopoverProvider>();
        var cut = Ctx.Render<EmailPerformancePage>();
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=total-sent]").TextContent.Trim()));

        cut.FindAll("div.mud-input-control").Single(d => d.TextContent.Contains("Time frame", StringComparison.Ordinal)).MouseDown();
        cut.WaitForAssertion(() => Assert.Contains("Last 7 days", provider.Markup));
        provider.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Last 7 days").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/reports/email-performance?preset=Last7Days&hideDeleted=true", nav.Uri));
        // Last 7 days ends today (2026-11-20) and starts 2026-11-14: the ten-day-old send drops out.
        cut.WaitForAssertion(() => Assert.Contains("2026-11-14 00:00 UTC", cut.Find("[data-testid=time-frame]").TextContent));
        Assert.Equal("3", cut.Find("[data-testid=total-sent]").TextContent.Trim());
    }

    [Fact]
    public void EmptyFrameShowsTheHint()
    {
        SignInAs(Roles.Admin);
        Seed();
        Ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/reports/email-performance?preset=Custom&from=2020-01-01&to=2020-01-08");

        var cut = Ctx.Render<EmailPerformancePage>();

        cut.WaitForAssertion(() => Assert.Contains("try a longer one", cut.Find("[data-testid=empty-state]").TextContent));
        Assert.Contains("2020-01-01 00:00 UTC", cut.Find("[data-testid=time-frame]").TextContent);
    }

    [Fact]
    public void MarketerGetsAFriendlyRefusalAndNoNumbers()
    {
        SignInAs(Roles.Marketer);
        Seed();

        var cut = Ctx.Render<EmailPerformancePage>();

        cut.WaitForAssertion(() => Assert.Contains("Manager or Admin", cut.Find("[data-testid=report-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=total-sent]"));
    }

    [Fact]
    public void DrillDownListsThePeopleWithLinksToThem()
    {
        SignInAs(Roles.Manager);
        var (newsletterId, annId) = Seed();
        Ctx.Services.GetRequiredService<NavigationManager>()
            .NavigateTo($"/reports/email-performance/people?email={newsletterId}&metric=Opened&from=2026-10-21&to=2026-11-21");

        var cut = Ctx.Render<EmailPerformanceDrillDownPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        var link = cut.Find("tbody tr.mud-table-row a");
        Assert.Equal("ann@x.com", link.TextContent.Trim());
        Assert.Equal($"/people/{annId}", link.GetAttribute("href"));
        Assert.Contains("Opened: Newsletter", cut.Find("[data-testid=drilldown-title]").TextContent);
    }
}
