using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Mailgun's webhooks: <c>signature.signature</c> is the hex HMAC-SHA256, keyed with the webhook signing key, of
/// <c>timestamp</c> followed by <c>token</c>. The timestamp must be recent and the token never seen before.
/// </summary>
public sealed class MailgunWebhook(IOptionsMonitor<WebhookOptions> options, MailgunTokenCache tokens, TimeProvider clock) : IWebhookProvider
{
    public string Name => "mailgun";

    public bool IsConfigured => options.CurrentValue.Mailgun.IsConfigured;

    public Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct)
    {
        var settings = options.CurrentValue.Mailgun;
        using var doc = WebhookJson.Parse(request.Body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookFormatException("A Mailgun webhook posts a JSON object.");
        }

        var signature = WebhookJson.Optional(root, "signature") ?? default;
        var timestamp = WebhookJson.OptionalString(signature, "timestamp");
        var token = WebhookJson.OptionalString(signature, "token");
        var hex = WebhookJson.OptionalString(signature, "signature");
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(token) || string.IsNullOrEmpty(hex))
        {
            return Task.FromResult(WebhookVerdict.Reject("missing signature, timestamp or token"));
        }

        var tolerance = TimeSpan.FromSeconds(settings.ToleranceSeconds);
        var now = clock.GetUtcNow();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799
            || !SharedSecret.Fresh(DateTimeOffset.FromUnixTimeSeconds(seconds), now, tolerance))
        {
            return Task.FromResult(WebhookVerdict.Reject($"timestamp {timestamp} is not within {tolerance.TotalSeconds} s of now"));
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.SigningKey!), Encoding.UTF8.GetBytes(timestamp + token));
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return Task.FromResult(WebhookVerdict.Reject("the signature is not hex"));
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return Task.FromResult(WebhookVerdict.Reject("the signature does not verify"));
        }

        // Mapped before the token is recorded: a malformed request (400) does not use up its token.
        var (inputs, ignored) = MailgunEventMapper.Map(WebhookJson.RequiredObject(root, "event-data"));
        if (!tokens.TryUse(token, now, tolerance))
        {
            return Task.FromResult(WebhookVerdict.Reject("the token was used before (a replayed request)"));
        }

        return Task.FromResult(WebhookVerdict.Apply(inputs, ignored) with { Undo = () => tokens.Release(token) });
    }
}
