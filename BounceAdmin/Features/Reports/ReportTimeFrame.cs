using System.Globalization;

namespace BounceAdmin.Features.Reports;

/// <summary>The time-frame presets of the report.</summary>
public enum ReportTimeFramePreset
{
    Last7Days,
    Last30Days,
    Last90Days,
    ThisMonth,
    LastMonth,
    Custom,
}

/// <summary>
/// Turns a preset (or a custom range of dates) into the report's half-open UTC interval [From, To) on Sent Date.
/// Days are UTC calendar days; "last N days" means the N days ending with today, today included.
/// </summary>
public static class ReportTimeFrame
{
    /// <summary>The label shown for each preset.</summary>
    public static string Label(ReportTimeFramePreset preset) => preset switch
    {
        ReportTimeFramePreset.Last7Days => "Last 7 days",
        ReportTimeFramePreset.Last30Days => "Last 30 days",
        ReportTimeFramePreset.Last90Days => "Last 90 days",
        ReportTimeFramePreset.ThisMonth => "This month",
        ReportTimeFramePreset.LastMonth => "Last month",
        _ => "Custom range",
    };

    /// <summary>The interval of a preset at <paramref name="utcNow"/>; for <see cref="ReportTimeFramePreset.Custom"/>
    /// the first and last day (both included) are taken from <paramref name="firstDay"/> and <paramref name="lastDay"/>.</summary>
    public static (DateTime From, DateTime To) Resolve(ReportTimeFramePreset preset, DateTime utcNow, DateOnly? firstDay = null, DateOnly? lastDay = null)
    {
        var today = DateTime.SpecifyKind(utcNow.Date, DateTimeKind.Utc);
        var month = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return preset switch
        {
            ReportTimeFramePreset.Last7Days => (today.AddDays(-6), today.AddDays(1)),
            ReportTimeFramePreset.Last30Days => (today.AddDays(-29), today.AddDays(1)),
            ReportTimeFramePreset.Last90Days => (today.AddDays(-89), today.AddDays(1)),
            ReportTimeFramePreset.ThisMonth => (month, month.AddMonths(1)),
            ReportTimeFramePreset.LastMonth => (month.AddMonths(-1), month),
            _ => Custom(firstDay ?? DateOnly.FromDateTime(today.AddDays(-29)), lastDay ?? DateOnly.FromDateTime(today)),
        };
    }

    private static (DateTime From, DateTime To) Custom(DateOnly first, DateOnly last)
    {
        if (last < first)
        {
            (first, last) = (last, first);
        }

        return (first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
    }

    /// <summary>Writes an instant for a URL: <c>yyyy-MM-dd</c> at midnight, else ISO 8601 with Z.</summary>
    public static string Format(DateTime utc)
        => utc.TimeOfDay == TimeSpan.Zero
            ? utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Reads an instant written by <see cref="Format"/> (or any ISO 8601 date/time), as UTC.</summary>
    public static DateTime? Parse(string? text)
        => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? DateTime.SpecifyKind(value, DateTimeKind.Utc)
            : null;

    /// <summary>Reads a preset from its URL name (case-insensitive), or null.</summary>
    public static ReportTimeFramePreset? ParsePreset(string? text)
        => Enum.TryParse<ReportTimeFramePreset>(text, ignoreCase: true, out var preset) && Enum.IsDefined(preset) ? preset : null;

    /// <summary>Reads a metric from its URL name (case-insensitive), or null.</summary>
    public static EmailPerformanceMetric? ParseMetric(string? text)
        => Enum.TryParse<EmailPerformanceMetric>(text, ignoreCase: true, out var metric) && Enum.IsDefined(metric) ? metric : null;
}
