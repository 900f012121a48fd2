using System.Globalization;

namespace BounceAdmin.Features.BounceHealth;

/// <summary>How the bounce-health page writes its numbers, the same in the charts and in the tables.</summary>
public static class HealthFormat
{
    /// <summary>A rate (fraction) as a percentage with one decimal, e.g. <c>12.5 %</c>.</summary>
    public static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>A count with thousands separators.</summary>
    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A UTC day as <c>yyyy-MM-dd</c> (headers say UTC).</summary>
    public static string Day(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
