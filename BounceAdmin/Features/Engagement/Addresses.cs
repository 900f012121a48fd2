using MimeKit;

namespace BounceAdmin.Features.Engagement;

/// <summary>Recipient addresses and Message-IDs as the sends and events doors accept them.</summary>
internal static class Addresses
{
    /// <summary>The trimmed address when it is a plain RFC 5322 addr-spec (no display name), otherwise null and why.</summary>
    public static string? Check(string? text, out string error)
    {
        var trimmed = text?.Trim();
        error = "";
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "is required";
            return null;
        }

        if (trimmed.Length > EngagementLimits.MaxAddressLength)
        {
            error = $"is longer than {EngagementLimits.MaxAddressLength} characters";
            return null;
        }

        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.Any(char.IsWhiteSpace)
            || !MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox)
            || !string.IsNullOrEmpty(mailbox.Name)
            || !string.Equals(mailbox.Address, trimmed, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{(trimmed.Length <= 60 ? trimmed : trimmed[..60] + "…")}' is not an email address";
            return null;
        }

        return trimmed;
    }
}

/// <summary>Message-IDs are stored without angle brackets, as the bounce path looks them up.</summary>
internal static class MessageIds
{
    public static string? Normalize(string? value)
    {
        var trimmed = value?.Trim().Trim('<', '>').Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }
}
