namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>One webhook request as a provider reads it: its headers and the raw body (signatures cover the raw bytes).</summary>
public sealed record WebhookRequest(IHeaderDictionary Headers, byte[] Body);

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

/// <summary>A provider's payload is not what its documentation says: answered 400 with <see cref="Exception.Message"/>.</summary>
public sealed class WebhookFormatException(string message) : Exception(message);

/// <summary>One provider's webhook: configuration, authentication and mapping to <see cref="BounceInput"/>.</summary>
public interface IWebhookProvider
{
    /// <summary>Short name, as in the URL and the source ("ses" → <c>/api/webhooks/ses</c>, <c>webhook:ses</c>).</summary>
    string Name { get; }

    /// <summary>Whether the endpoint is on (enabled and given its secret); off answers 404.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Authenticates the request and maps its events. Throws <see cref="WebhookFormatException"/> or
    /// <see cref="System.Text.Json.JsonException"/> for a malformed payload.
    /// </summary>
    Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct);
}
