using System.Globalization;
using MimeKit;

namespace BounceAdmin.Features.Import;

/// <summary>
/// The values of an import file: addresses (RFC 5321/5322 as a bare mailbox), booleans and times. Each check returns
/// the reason a value is refused, in words for the rejected-rows list, or null when it is fine.
/// </summary>
public static class ImportValues
{
    /// <summary>RFC 5321 §4.5.3.1: a path is at most 256 octets including the angle brackets, so 254 for the address.</summary>
    public const int MaxAddressLength = Mailability.MailAddressCheck.MaxLength;

    /// <summary>RFC 5321 §4.5.3.1.1.</summary>
    public const int MaxLocalPartLength = 64;

    private static readonly ParserOptions StrictAddresses = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
    };

    /// <summary>Trim plus lower case: the key people are matched on, by bounces and by imports alike.</summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    /// <summary>Why <paramref name="address"/> (already trimmed) is not one bare email address, or null when it is.</summary>
    public static string? AddressProblem(string address)
    {
        if (address.Length > MaxAddressLength)
        {
            return $"the address is {address.Length} characters long (at most {MaxAddressLength})";
        }

        if (address.AsSpan().IndexOfAny("<>\"()") >= 0)
        {
            return "give the bare address, without a display name, quotes or angle brackets";
        }

        if (address.AsSpan().IndexOfAny(",;") >= 0)
        {
            return "one address per row (this cell holds a list)";
        }

        foreach (var c in address)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "the address contains a space or a control character";
            }
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return "the address has no @";
        }

        if (address.IndexOf('@', at + 1) >= 0)
        {
            return "the address has more than one @";
        }

        var local = address.AsSpan(0, at);
        var domain = address.AsSpan(at + 1);
        if (local.IsEmpty)
        {
            return "nothing before the @";
        }

        if (local.Length > MaxLocalPartLength)
        {
            return $"the part before the @ is {local.Length} characters long (at most {MaxLocalPartLength})";
        }

        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return "the part before the @ starts or ends with a dot, or has two dots in a row";
        }

        if (DomainProblem(domain) is { } problem)
        {
            return problem;
        }

        // The grammar itself (atext characters, dot-atoms) is MimeKit's strict RFC 5322 parser; it must read back the
        // very same address with no name.
        if (!MailboxAddress.TryParse(StrictAddresses, address, out var mailbox) || !string.IsNullOrEmpty(mailbox.Name)
            || !string.Equals(mailbox.Address, address, StringComparison.OrdinalIgnoreCase))
        {
            return "the address does not parse as RFC 5322 (a character that is not allowed before the @?)";
        }

        return null;
    }

    private static string? DomainProblem(ReadOnlySpan<char> domain)
    {
        if (domain.IsEmpty)
        {
            return "nothing after the @";
        }

        if (domain.Length > 253)
        {
            return "the domain is over 253 characters";
        }

        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            labels++;
            if (label.IsEmpty)
            {
                return "the domain has an empty part (two dots in a row, or a dot at its start or end)";
            }

            if (label.Length > 63)
            {
                return "a part of the domain is over 63 characters";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return "a part of the domain starts or ends with '-'";
            }

            foreach (var c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-'))
                {
                    return $"the domain contains '{c}'";
                }
            }
        }

        return labels < 2 ? "the domain has no dot (e.g. example.com)" : null;
    }

    /// <summary>Reads a yes/no cell: true/false, yes/no, y/n, 1/0, t/f (any case). Null when the cell is empty.</summary>
    public static bool TryParseBool(string? text, out bool? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "1" or "t":
                value = true;
                return true;
            case "false" or "no" or "n" or "0" or "f":
                value = false;
                return true;
            default:
                return false;
        }
    }

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF K", "yyyy-MM-dd HH:mm:ss K", "yyyy-MM-dd",
    ];

    /// <summary>
    /// Reads a time: ISO 8601 (<c>2024-05-01T14:30:00Z</c>, <c>2024-05-01 14:30:00+02:00</c>, <c>2024-05-01</c>), or, from a
    /// spreadsheet, Excel's serial date number. <b>A time without an offset is UTC</b> (<paramref name="hadNoOffset"/>
    /// tells the caller, which counts them for the preview). Null when the cell is empty.
    /// </summary>
    public static bool TryParseTime(string? text, bool fromSpreadsheet, out DateTime? utc, out bool hadNoOffset)
    {
        utc = null;
        hadNoOffset = false;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var t = text.Trim();
        if (fromSpreadsheet && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial))
        {
            // Excel stores times as days since 1899-12-30 with no zone; like every time without an offset, UTC.
            if (serial is < 1 or > 2958465)
            {
                return false;
            }

            utc = DateTime.SpecifyKind(DateTime.FromOADate(serial), DateTimeKind.Utc);
            hadNoOffset = true;
            return true;
        }

        if (!DateTimeOffset.TryParseExact(t, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            return false;
        }

        utc = parsed.UtcDateTime;
        hadNoOffset = !HasOffset(t);
        return true;
    }

    private static bool HasOffset(string t)
    {
        if (t.Length <= 10)
        {
            return false;
        }

        var time = t.AsSpan(10);
        return time.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || time.Contains('+') || time.Contains('-');
    }
}
