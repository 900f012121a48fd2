using System.Globalization;

namespace BounceAdmin.Features.BounceHealth;

/// <summary>The time-frame presets of the bounce-health page.</summary>
public enum HealthFramePreset
{
    Last7Days,
    Last30Days,
    Last90Days,
    Custom,
}

/// <summary>Turns a preset or a custom pair of days into the half-open UTC frame [From, To) of whole days.</summary>
public static class HealthFrame
{
    public static string Label(HealthFramePreset preset) => preset switch
    {
        HealthFramePreset.Last7Days => "Last 7 days",
        HealthFramePreset.Last30Days => "Last 30 days",
        HealthFramePreset.Last90Days => "Last 90 days",
        _ => "Custom range",
    };

    /// <summary>"Last N days" are the N UTC days ending with today, today included. A custom range's days are both
    /// included; swapped days are put in order and the range is cut to <see cref="BounceHealthService.MaxFrameDays"/>.</summary>
    public static (DateTime From, DateTime To) Resolve(HealthFramePreset preset, DateTime utcNow, DateTime? firstDay, DateTime? lastDay)
    {
        var today = new DateTime(utcNow.Year, utcNow.Month, utcNow.Day, 0, 0, 0, DateTimeKind.Utc);
        switch (preset)
        {
            case HealthFramePreset.Last7Days: return (today.AddDays(-6), today.AddDays(1));
            case HealthFramePreset.Last90Days: return (today.AddDays(-89), today.AddDays(1));
            case HealthFramePreset.Custom:
                var first = DomainStatsWriter.DayOf(firstDay ?? today.AddDays(-29));
                var last = DomainStatsWriter.DayOf(lastDay ?? today);
                if (last < first)
                {
                    (first, last) = (last, first);
                }

                var to = last.AddDays(1);
                return (to - first).TotalDays > BounceHealthService.MaxFrameDays ? (to.AddDays(-BounceHealthService.MaxFrameDays), to) : (first, to);
            default: return (today.AddDays(-29), today.AddDays(1));
        }
    }

    public static HealthFramePreset? ParsePreset(string? text)
        => Enum.TryParse<HealthFramePreset>(text, ignoreCase: true, out var p) && Enum.IsDefined(p) ? p : null;

    public static DateTime? ParseDay(string? text)
        => DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? DateTime.SpecifyKind(d, DateTimeKind.Utc)
            : null;
}
