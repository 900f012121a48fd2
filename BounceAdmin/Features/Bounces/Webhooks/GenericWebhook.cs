using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>The generic JSON endpoint for custom MTAs: <c>Authorization: Bearer &lt;token&gt;</c>, compared in constant time.</summary>
public sealed class GenericWebhook(IOptionsMonitor<WebhookOptions> options) : IWebhookProvider
{
    public string Name => "generic";

    public bool IsConfigured => options.CurrentValue.Generic.IsConfigured;

    public Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct)
    {
        if (!SharedSecret.Matches(SharedSecret.Authorization(request.Headers, "Bearer"), options.CurrentValue.Generic.Token!))
        {
            return Task.FromResult(WebhookVerdict.Reject("missing or wrong bearer token"));
        }

        using var doc = WebhookJson.Parse(request.Body);
        var (inputs, ignored) = GenericEventMapper.Map(doc.RootElement);
        return Task.FromResult(WebhookVerdict.Apply(inputs, ignored));
    }
}
