using System.Globalization;
using System.Text.RegularExpressions;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// ISO 8601 times that must say their offset (<c>Z</c> or <c>±hh:mm</c>): a time without one is ambiguous and refused,
/// never read as the server's local time.
/// </summary>
public static partial class IsoTimestamp
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+-]\d{2}:?\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value, out string error)
    {
        value = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "is required (ISO 8601 with an offset, e.g. 2026-12-01T09:30:00Z)";
            return false;
        }

        if (!Shape().IsMatch(trimmed))
        {
            error = $"'{Cut(trimmed)}' is not an ISO 8601 time with an offset (e.g. 2026-12-01T09:30:00Z or 2026-12-01T10:30:00+01:00)";
            return false;
        }

        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            error = $"'{Cut(trimmed)}' is not a valid date and time";
            return false;
        }

        error = "";
        return true;
    }

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
