using System.Globalization;

namespace BounceAdmin.Features.Reports;

/// <summary>Labels of the metrics and the URLs of the report and its drill-downs (all their state is in the query).</summary>
public static class EmailPerformanceLinks
{
    public const string ReportPath = "/reports/email-performance";
    public const string PeoplePath = "/reports/email-performance/people";

    /// <summary>The column label of a metric, as in the grid and the exports.</summary>
    public static string Label(EmailPerformanceMetric metric) => metric switch
    {
        EmailPerformanceMetric.HardBounced => "Hard Bounced",
        EmailPerformanceMetric.SoftBounced => "Soft Bounced",
        EmailPerformanceMetric.Clicked => "Clicked Email",
        _ => metric.ToString(),
    };

    /// <summary>
    /// The drill-down of one count of <paramref name="row"/>: of its email, or for the totals row of every email the
    /// report shows (which is the filter's email, when it has one).
    /// </summary>
    public static string People(EmailPerformanceFilter filter, EmailPerformanceRow row, EmailPerformanceMetric metric)
        => PeoplePath + Query(
            ("email", (row.EmailId ?? filter.EmailId)?.ToString(CultureInfo.InvariantCulture)),
            ("metric", metric.ToString()),
            ("from", ReportTimeFrame.Format(filter.From)),
            ("to", ReportTimeFrame.Format(filter.To)),
            ("program", filter.ProgramId?.ToString(CultureInfo.InvariantCulture)),
            ("hideDeleted", filter.HideDeletedPeople ? "true" : null));

    /// <summary>The report page with its filters; <paramref name="from"/> and <paramref name="to"/> only for a custom range.</summary>
    public static string Report(ReportTimeFramePreset preset, DateTime? from, DateTime? to, int? programId, int? emailId, bool hideDeleted)
        => ReportPath + Query(
            ("preset", preset.ToString()),
            ("from", preset == ReportTimeFramePreset.Custom && from is { } f ? ReportTimeFrame.Format(f) : null),
            ("to", preset == ReportTimeFramePreset.Custom && to is { } t ? ReportTimeFrame.Format(t) : null),
            ("program", programId?.ToString(CultureInfo.InvariantCulture)),
            ("email", emailId?.ToString(CultureInfo.InvariantCulture)),
            ("hideDeleted", hideDeleted ? "true" : null));

    private static string Query(params (string Name, string? Value)[] parts)
    {
        var present = parts.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join("&", present);
    }
}
