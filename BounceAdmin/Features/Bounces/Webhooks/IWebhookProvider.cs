namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>One provider's webhook: configuration, authentication and mapping to <see cref="BounceInput"/>.</summary>
public interface IWebhookProvider
{
    /// <summary>Short name, as in the URL and the source ("ses" → <c>/api/webhooks/ses</c>, <c>webhook:ses</c>).</summary>
    string Name { get; }

    /// <summary>Whether the endpoint is on (enabled and given its secret); off answers 404.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Authenticates the request and maps its events. Throws <see cref="WebhookFormatException"/> for a malformed
    /// payload (answered 400 with its message); the pipeline answers any other JSON or format error 400 too.
    /// </summary>
    Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct);
}

/// <summary>One webhook request as a provider reads it: its headers and the raw body (signatures cover the raw bytes).</summary>
public sealed record WebhookRequest(IHeaderDictionary Headers, byte[] Body);
