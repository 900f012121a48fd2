using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Amazon SES through Amazon SNS. Every SNS message is checked before anything else happens: its topic must be in the
/// allow-list, its signing certificate must come from an SNS host over https, and its signature (version 1: SHA1withRSA,
/// version 2: SHA256withRSA) must verify over SNS's canonical string. Then a subscription is confirmed (GET of its
/// SubscribeURL, on an SNS host too), an unsubscribe is acknowledged, and a notification's SES event is mapped.
/// </summary>
public sealed class SesWebhook(
    IOptionsMonitor<WebhookOptions> options,
    SnsCertificateStore certificates,
    IHttpClientFactory httpClients,
    ILogger<SesWebhook> logger) : IWebhookProvider
{
    public string Name => "ses";

    public bool IsConfigured => options.CurrentValue.Ses.IsConfigured;

    public async Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct)
    {
        var settings = options.CurrentValue.Ses;
        var message = SnsMessage.Parse(request.Body);
        if (!settings.AllowedTopicArns.Contains(message.TopicArn, StringComparer.Ordinal))
        {
            return WebhookVerdict.Reject($"topic {message.TopicArn} is not in Webhooks:Ses:AllowedTopicArns");
        }

        if (await VerifyAsync(message, ct) is { } failure)
        {
            return failure;
        }

        switch (message.Type)
        {
            case SnsMessage.SubscriptionConfirmation:
                return await ConfirmAsync(message, settings.ConfirmSubscriptions, ct);
            case SnsMessage.UnsubscribeConfirmation:
                return WebhookVerdict.Acknowledge($"SNS unsubscribed this endpoint from {message.TopicArn}.");
        }

        if (!LooksLikeJson(message.Message))
        {
            // SNS's and SES's own plain-text notices (e.g. "Successfully validated SNS topic for Amazon SES event publishing").
            logger.LogInformation("SNS notification {MessageId} on {Topic} is not an SES event: {Text}", message.MessageId, message.TopicArn,
                message.Message.Length > 200 ? message.Message[..200] : message.Message);
            return WebhookVerdict.Apply([], 1);
        }

        using var doc = WebhookJson.Parse(message.Message);
        var (inputs, ignored) = SesEventMapper.Map(doc.RootElement, message.MessageId);
        return WebhookVerdict.Apply(inputs, ignored);
    }

    /// <summary>Null when the signature verifies; otherwise the verdict to answer.</summary>
    private async Task<WebhookVerdict?> VerifyAsync(SnsMessage message, CancellationToken ct)
    {
        var algorithm = message.SignatureVersion switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => (HashAlgorithmName?)null,
        };
        if (algorithm is null || string.IsNullOrEmpty(message.Signature))
        {
            return WebhookVerdict.Reject($"missing signature or unknown SignatureVersion '{message.SignatureVersion}'");
        }

        if (!SnsMessage.IsSnsUrl(message.SigningCertUrl))
        {
            return WebhookVerdict.Reject($"SigningCertURL {message.SigningCertUrl} is not an https URL on an sns.<region>.amazonaws.com host");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(message.Signature);
        }
        catch (FormatException)
        {
            return WebhookVerdict.Reject("the signature is not base64");
        }

        X509Certificate2? certificate;
        try
        {
            certificate = await certificates.GetAsync(message.SigningCertUrl!, ct);
        }
        catch (SnsCertificateRejectedException ex)
        {
            return WebhookVerdict.Reject(ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or CryptographicException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Not the sender's fault as far as we can tell: answer 503 so SNS retries later.
            return WebhookVerdict.Unavailable($"The signing certificate could not be fetched ({ex.GetType().Name}).");
        }

        if (certificate is null)
        {
            return WebhookVerdict.Reject("the signing certificate has expired or is not yet valid");
        }

        using var rsa = certificate.GetRSAPublicKey();
        var data = Encoding.UTF8.GetBytes(message.CanonicalString());
        return rsa is not null && rsa.VerifyData(data, signature, algorithm.Value, RSASignaturePadding.Pkcs1)
            ? null
            : WebhookVerdict.Reject($"the signature of SNS message {message.MessageId} does not verify");
    }

    private async Task<WebhookVerdict> ConfirmAsync(SnsMessage message, bool confirm, CancellationToken ct)
    {
        if (!SnsMessage.IsSnsUrl(message.SubscribeUrl))
        {
            return WebhookVerdict.Reject($"SubscribeURL {message.SubscribeUrl} is not an https URL on an sns.<region>.amazonaws.com host");
        }

        if (!confirm)
        {
            return WebhookVerdict.Acknowledge($"Subscription to {message.TopicArn} received; confirm it in the AWS console (Webhooks:Ses:ConfirmSubscriptions is off).");
        }

        try
        {
            using var response = await httpClients.CreateClient(WebhooksRegistration.SnsHttpClient).GetAsync(message.SubscribeUrl, ct);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return WebhookVerdict.Unavailable($"The subscription could not be confirmed ({ex.GetType().Name}).");
        }

        return WebhookVerdict.Acknowledge($"Subscription to {message.TopicArn} confirmed.");
    }

    private static bool LooksLikeJson(string text)
    {
        var t = text.AsSpan().TrimStart();
        return t.Length > 0 && t[0] is '{' or '[';
    }
}
