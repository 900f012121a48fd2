using BounceAdmin.Features.Reports;

namespace BounceAdmin.Tests.Features.Reports;

public sealed class EmailPerformanceLinksTests
{
    private static readonly EmailPerformanceFilter Filter = new(
        new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 8, 0, 0, 0, DateTimeKind.Utc),
        ProgramId: 4, EmailId: 9, HideDeletedPeople: true);

    [Fact]
    public void RowLinkCarriesTheEmailMetricFrameAndFilters()
    {
        var row = new EmailPerformanceRow(7, "Promo", 1, 1, 0, 0, 0, 0, 0, 0, 0);

        Assert.Equal("/reports/email-performance/people?email=7&metric=HardBounced&from=2026-11-01&to=2026-11-08&program=4&hideDeleted=true",
            EmailPerformanceLinks.People(Filter, row, EmailPerformanceMetric.HardBounced));
    }

    [Fact]
    public void TotalsLinkKeepsTheFiltersEmail()
    {
        var totals = new EmailPerformanceRow(null, "Total", 1, 1, 0, 0, 0, 0, 0, 0, 0);

        Assert.Contains("email=9&", EmailPerformanceLinks.People(Filter, totals, EmailPerformanceMetric.Sent));
        Assert.DoesNotContain("email=", EmailPerformanceLinks.People(Filter with { EmailId = null }, totals, EmailPerformanceMetric.Sent));
    }

    [Fact]
    public void ReportLinkKeepsCustomDatesOnlyForACustomRange()
    {
        Assert.Equal("/reports/email-performance?preset=Last7Days&program=4",
            EmailPerformanceLinks.Report(ReportTimeFramePreset.Last7Days, Filter.From, Filter.To, 4, null, false));
        Assert.Equal("/reports/email-performance?preset=Custom&from=2026-11-01&to=2026-11-08&email=9&hideDeleted=true",
            EmailPerformanceLinks.Report(ReportTimeFramePreset.Custom, Filter.From, Filter.To, null, 9, true));
    }
}
