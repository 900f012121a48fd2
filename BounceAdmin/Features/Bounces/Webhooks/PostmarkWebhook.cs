using System.Text;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Postmark's webhooks. Postmark signs nothing; the webhook URL carries HTTP Basic credentials, compared here with the
/// configured ones in constant time.
/// </summary>
public sealed class PostmarkWebhook(IOptionsMonitor<WebhookOptions> options) : IWebhookProvider
{
    public string Name => "postmark";

    public bool IsConfigured => options.CurrentValue.Postmark.IsConfigured;

    public Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct)
    {
        var settings = options.CurrentValue.Postmark;
        if (!Authenticated(SharedSecret.Authorization(request.Headers, "Basic"), settings))
        {
            return Task.FromResult(WebhookVerdict.Reject("missing or wrong HTTP Basic credentials"));
        }

        using var doc = WebhookJson.Parse(request.Body);
        var (inputs, ignored) = PostmarkEventMapper.Map(doc.RootElement);
        return Task.FromResult(WebhookVerdict.Apply(inputs, ignored));
    }

    private static bool Authenticated(string? basic, PostmarkWebhookOptions settings)
    {
        string presented;
        try
        {
            presented = basic is null ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(basic));
        }
        catch (FormatException)
        {
            return false;
        }

        // user:password compared as one string, in constant time; both parts must match.
        return basic is not null && SharedSecret.Matches(presented, settings.Username + ":" + settings.Password);
    }
}
