using System.Net.Mail;

namespace BounceAdmin.Features.Mailability;

/// <summary>Whether a string is one plain address (no display name), and its normalised form (trimmed, lower case).</summary>
/// <remarks>
/// The common shape, a dot-atom local part (RFC 5322 §3.2.3) at a domain of letter-digit-hyphen labels (RFC 5321
/// §4.1.2; UTF-8 allowed as in RFC 6531), is checked here character by character: the batch call checks 10,000 at a
/// time. Anything else that could still be an address (a quoted local part, an address literal) goes to
/// <see cref="MailAddress"/>'s full parser.
/// </remarks>
public static class MailAddressCheck
{
    /// <summary>RFC 5321's limit on a path (254 characters of address).</summary>
    public const int MaxLength = 254;

    private const string AtextSymbols = "!#$%&'*+-/=?^_`{|}~";

    /// <summary>
    /// Whether <paramref name="raw"/> (trimmed) is one plain address in the common shape only: a dot-atom local part at a
    /// domain of letter-digit-hyphen labels — no quoted local part, no address literal; with
    /// <paramref name="requireDottedDomain"/>, a domain of two labels or more (no <c>localhost</c>).
    /// </summary>
    public static bool IsPlain(string? raw, bool requireDottedDomain = false)
    {
        var s = raw.AsSpan().Trim();
        var at = s.LastIndexOf('@');
        return !s.IsEmpty && s.Length <= MaxLength && at > 0 && at < s.Length - 1
            && IsDotAtom(s[..at]) && IsDomain(s[(at + 1)..]) && (!requireDottedDomain || s[(at + 1)..].Contains('.'));
    }

    /// <summary>
    /// Whether <paramref name="raw"/> is one address (the plain shape of <see cref="IsPlain"/>, or a quoted local part or
    /// an address literal that the full parser reads back unchanged), and its normalised form (trimmed, lower case).
    /// </summary>
    public static bool TryNormalize(string? raw, out string normalized)
    {
        normalized = "";
        var s = raw.AsSpan().Trim();
        if (s.IsEmpty || s.Length > MaxLength)
        {
            return false;
        }

        var at = s.LastIndexOf('@');
        if (at <= 0 || at == s.Length - 1)
        {
            return false;
        }

        var local = s[..at];
        var domain = s[(at + 1)..];
        var ok = IsDotAtom(local) ? IsDomain(domain) : local.Contains('"') && FullParse(s.ToString());
        if (!ok && domain.Length > 0 && domain[0] == '[' && IsDotAtom(local))
        {
            ok = FullParse(s.ToString());
        }

        if (ok)
        {
            normalized = s.ToString().ToLowerInvariant();
        }

        return ok;
    }

    private static bool IsDotAtom(ReadOnlySpan<char> local)
    {
        if (local.IsEmpty || local.Length > 64 || local[0] == '.' || local[^1] == '.')
        {
            return false;
        }

        var previousDot = false;
        foreach (var c in local)
        {
            if (c == '.')
            {
                if (previousDot) return false;
                previousDot = true;
                continue;
            }

            previousDot = false;
            if (!(char.IsAsciiLetterOrDigit(c) || AtextSymbols.Contains(c) || (c > 127 && !char.IsWhiteSpace(c) && !char.IsControl(c))))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        if (domain.IsEmpty || domain.Length > 253)
        {
            return false;
        }

        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || (c > 127 && char.IsLetterOrDigit(c))))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool FullParse(string s)
        => !s.Any(c => char.IsControl(c)) && MailAddress.TryCreate(s, out var parsed)
            && string.Equals(parsed.Address, s, StringComparison.Ordinal) && string.IsNullOrEmpty(parsed.DisplayName);
}
