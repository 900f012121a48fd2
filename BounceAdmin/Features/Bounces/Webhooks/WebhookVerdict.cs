namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>What a provider made of a request; the endpoint turns it into the HTTP answer.</summary>
public enum WebhookVerdictKind
{
    /// <summary>Authentic: apply <see cref="WebhookVerdict.Inputs"/> (200).</summary>
    Events,

    /// <summary>Authentic, nothing to apply (an SNS subscription or unsubscribe confirmation) (200).</summary>
    Acknowledged,

    /// <summary>Missing or wrong signature, credentials, topic or timestamp (401); nothing is applied.</summary>
    Rejected,

    /// <summary>Not JSON, or a required field missing (400); nothing is applied.</summary>
    Malformed,

    /// <summary>The check could not be made now (the SNS certificate could not be fetched) (503, the provider retries).</summary>
    Unavailable,
}

/// <summary>
/// A provider's verdict on one request.
/// </summary>
/// <param name="Kind">What to answer.</param>
/// <param name="Message">For <see cref="WebhookVerdictKind.Rejected"/>: why, for the log only (never the secret, never
/// sent back); for the others a short text for the caller.</param>
/// <param name="Inputs">The bounces (and complaints, deliveries) to apply.</param>
/// <param name="Ignored">Events of kinds BounceAdmin does not record (opens, clicks, processed, unsubscribes).</param>
public sealed record WebhookVerdict(WebhookVerdictKind Kind, string Message, IReadOnlyList<BounceInput> Inputs, int Ignored)
{
    /// <summary>Run when the inputs could not be stored (the provider will retry), e.g. to forget a replay token.</summary>
    public Action? Undo { get; init; }

    public static WebhookVerdict Apply(IReadOnlyList<BounceInput> inputs, int ignored) => new(WebhookVerdictKind.Events, "", inputs, ignored);

    public static WebhookVerdict Acknowledge(string message) => new(WebhookVerdictKind.Acknowledged, message, [], 0);

    public static WebhookVerdict Reject(string why) => new(WebhookVerdictKind.Rejected, why, [], 0);

    public static WebhookVerdict Malformed(string message) => new(WebhookVerdictKind.Malformed, message, [], 0);

    public static WebhookVerdict Unavailable(string message) => new(WebhookVerdictKind.Unavailable, message, [], 0);
}
