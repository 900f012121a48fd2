namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>A provider's payload is not what its documentation says: answered 400 with <see cref="Exception.Message"/>.</summary>
public sealed class WebhookFormatException(string message) : Exception(message);
