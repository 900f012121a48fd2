namespace BounceAdmin.Features.Engagement;

/// <summary>Recipient addresses and Message-IDs as the sends and events doors accept them.</summary>
internal static class Addresses
{
    /// <summary>The trimmed address when it is one address (<see cref="Mailability.MailAddressCheck"/>), otherwise null and why.</summary>
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

        // The same rule as the mailability door (a send to an address it would call invalid makes no sense).
        if (!Mailability.MailAddressCheck.TryNormalize(trimmed, out _))
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
