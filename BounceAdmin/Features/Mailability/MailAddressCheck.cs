using System.Net.Mail;

namespace BounceAdmin.Features.Mailability;

/// <summary>Whether a string is one plain address (no display name), and its normalised form (trimmed, lower case).</summary>
public static class MailAddressCheck
{
    /// <summary>RFC 5321's limit on a path (254 characters of address).</summary>
    public const int MaxLength = 254;

    public static bool TryNormalize(string? raw, out string normalized)
    {
        normalized = "";
        var s = raw?.Trim();
        if (string.IsNullOrEmpty(s) || s.Length > MaxLength || s.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = s.LastIndexOf('@');
        if (at <= 0 || at == s.Length - 1 || s.IndexOf('@') != at || s[(at + 1)..].Contains("..") || s[^1] == '.')
        {
            return false;
        }

        if (!MailAddress.TryCreate(s, out var parsed) || !string.Equals(parsed.Address, s, StringComparison.Ordinal)
            || !string.IsNullOrEmpty(parsed.DisplayName))
        {
            return false;
        }

        normalized = s.ToLowerInvariant();
        return true;
    }
}
