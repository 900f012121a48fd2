using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64, DER) over the timestamp header followed
/// by the raw body, verified with the public key SendGrid shows for the webhook. The signed timestamp must be recent.
/// </summary>
public sealed class SendGridWebhook(IOptionsMonitor<WebhookOptions> options, TimeProvider clock) : IWebhookProvider
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    public string Name => "sendgrid";

    public bool IsConfigured => options.CurrentValue.SendGrid.IsConfigured;

    public Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct)
    {
        var settings = options.CurrentValue.SendGrid;
        if (Verify(request, settings) is { } failure)
        {
            return Task.FromResult(failure);
        }

        using var doc = WebhookJson.Parse(request.Body);
        var (inputs, ignored) = SendGridEventMapper.Map(doc.RootElement);
        return Task.FromResult(WebhookVerdict.Apply(inputs, ignored));
    }

    private WebhookVerdict? Verify(WebhookRequest request, SendGridWebhookOptions settings)
    {
        var signatureText = request.Headers[SignatureHeader].ToString();
        var timestamp = request.Headers[TimestampHeader].ToString();
        if (signatureText.Length == 0 || timestamp.Length == 0)
        {
            return WebhookVerdict.Reject("missing signature or timestamp header");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 253_402_300_799
            || !SharedSecret.Fresh(DateTimeOffset.FromUnixTimeSeconds(seconds), clock.GetUtcNow(), TimeSpan.FromSeconds(settings.ToleranceSeconds)))
        {
            return WebhookVerdict.Reject($"timestamp {timestamp} is not within {settings.ToleranceSeconds} s of now");
        }

        byte[] signature;
        using var key = ECDsa.Create();
        try
        {
            signature = Convert.FromBase64String(signatureText);
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(settings.PublicKey!), out _);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return WebhookVerdict.Reject("the signature or the configured Webhooks:SendGrid:PublicKey is not valid base64 / SubjectPublicKeyInfo");
        }

        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var data = new byte[timestampBytes.Length + request.Body.Length];
        timestampBytes.CopyTo(data, 0);
        request.Body.CopyTo(data, timestampBytes.Length);
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            ? null
            : WebhookVerdict.Reject("the signature does not verify");
    }
}
