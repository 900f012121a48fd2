using BounceAdmin.Features.Reports;

namespace BounceAdmin.Tests.Features.Reports;

public sealed class ReportTimeFrameTests
{
    private static readonly DateTime Now = new(2026, 3, 15, 10, 30, 0, DateTimeKind.Utc);

    private static DateTime Utc(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(ReportTimeFramePreset.Last7Days, "2026-03-09", "2026-03-16")]
    [InlineData(ReportTimeFramePreset.Last30Days, "2026-02-14", "2026-03-16")]
    [InlineData(ReportTimeFramePreset.Last90Days, "2025-12-16", "2026-03-16")]
    [InlineData(ReportTimeFramePreset.ThisMonth, "2026-03-01", "2026-04-01")]
    [InlineData(ReportTimeFramePreset.LastMonth, "2026-02-01", "2026-03-01")]
    public void PresetsAreWholeUtcDaysEndingWithToday(ReportTimeFramePreset preset, string from, string to)
    {
        var (f, t) = ReportTimeFrame.Resolve(preset, Now);

        Assert.Equal(from, ReportTimeFrame.Format(f));
        Assert.Equal(to, ReportTimeFrame.Format(t));
        Assert.Equal(DateTimeKind.Utc, f.Kind);
    }

    [Fact]
    public void CustomRangeIncludesItsLastDay()
    {
        var (f, t) = ReportTimeFrame.Resolve(ReportTimeFramePreset.Custom, Now, new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 7));

        Assert.Equal((Utc(2026, 1, 5), Utc(2026, 1, 8)), (f, t));
    }

    [Fact]
    public void UrlFormatRoundTrips()
    {
        var odd = new DateTime(2026, 1, 5, 13, 45, 10, DateTimeKind.Utc);

        Assert.Equal(Utc(2026, 1, 5), ReportTimeFrame.Parse("2026-01-05"));
        Assert.Equal(odd, ReportTimeFrame.Parse(ReportTimeFrame.Format(odd)));
        Assert.Equal(DateTimeKind.Utc, ReportTimeFrame.Parse("2026-01-05")!.Value.Kind);
        Assert.Null(ReportTimeFrame.Parse("soon"));
        Assert.Equal(EmailPerformanceMetric.HardBounced, ReportTimeFrame.ParseMetric("hardbounced"));
        Assert.Null(ReportTimeFrame.ParseMetric("42"));
    }
}
