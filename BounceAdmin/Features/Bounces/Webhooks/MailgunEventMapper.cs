using System.Text.Json;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Maps Mailgun's <c>event-data</c>: failed (permanent or temporary), complained and delivered. Other events (accepted,
/// opened, clicked, unsubscribed, stored) are counted as ignored.
/// </summary>
internal static class MailgunEventMapper
{
    public const string Source = "webhook:mailgun";

    public static (List<BounceInput> Inputs, int Ignored) Map(JsonElement data)
    {
        var kind = WebhookJson.RequiredString(data, "event");
        if (kind is not ("failed" or "complained" or "delivered"))
        {
            return ([], 1);
        }

        var status = WebhookJson.Optional(data, "delivery-status") ?? default;
        var diagnostic = Diagnostic(status);
        var decision = kind switch
        {
            "complained" => WebhookRules.Stated("feedback", "mailgun:complained", "Mailgun forwarded a complaint: the recipient marked the message as spam"),
            "delivered" => WebhookRules.Stated("delivered", "mailgun:delivered", "Mailgun reports the receiving server accepted the message: a delivery, not a bounce"),
            _ => DecideFailure(data, status, diagnostic),
        };
        if (decision is null)
        {
            return ([], 1);
        }

        var message = WebhookJson.Optional(data, "message") ?? default;
        var headers = WebhookJson.Optional(message, "headers") ?? default;
        var variables = WebhookJson.Optional(data, "user-variables") ?? default;
        var input = WebhookRules.Input(
            Source,
            WebhookJson.RequiredString(data, "id"),
            WebhookRules.Recipient(WebhookJson.OptionalString(data, "recipient"), "recipient"),
            WebhookJson.RequiredUnixTime(data, "timestamp"),
            decision.Value,
            status: WebhookJson.OptionalString(status, "enhanced-code"),
            replyCode: WebhookJson.OptionalInt(status, "code") is { } code and >= 200 and < 600 ? code : null,
            diagnostic: diagnostic ?? WebhookJson.OptionalString(data, "reason"),
            remoteMta: WebhookJson.OptionalString(status, "mx-host"),
            messageId: WebhookJson.OptionalString(headers, "message-id"),
            // A custom variable the sender may attach (X-Mailgun-Variables); Mailgun echoes it in user-variables.
            sendId: WebhookRules.SendId(WebhookJson.OptionalString(variables, "bounceadmin_send")),
            // Mailgun's severity: temporary (it retries) or permanent (it gave up).
            permanent: kind == "failed" ? SeverityPermanence(WebhookJson.OptionalString(data, "severity")) : null);
        return ([input], 0);
    }

    /// <summary>The reason of a failure, or null for one BounceAdmin does not record (the person's own unsubscribe).</summary>
    private static ReasonDecision? DecideFailure(JsonElement data, JsonElement status, string? diagnostic)
    {
        var severity = WebhookJson.RequiredString(data, "severity");
        return WebhookJson.OptionalString(data, "reason") switch
        {
            // Mailgun did not send: its own lists stopped the message.
            "suppress-bounce" => WebhookRules.Stated("suppressed", "mailgun:suppress-bounce", "Mailgun refused: the address is on its bounce suppression list"),
            "suppress-complaint" => WebhookRules.Stated("feedback", "mailgun:suppress-complaint",
                "Mailgun refused: the recipient complained before (complaint suppression list)"),
            "suppress-unsubscribe" => null,
            _ => WebhookRules.Decide(WebhookJson.OptionalString(status, "enhanced-code"),
                WebhookJson.OptionalInt(status, "code") is { } code and >= 200 and < 600 ? code : null,
                diagnostic, severity == "permanent" ? "failed" : "delayed"),
        };
    }

    /// <summary>Mailgun's <c>severity</c> as a permanence: permanent → true, temporary → false, anything else → not said.</summary>
    internal static bool? SeverityPermanence(string? severity) => severity switch
    {
        "permanent" => true,
        "temporary" => false,
        _ => null,
    };

    /// <summary>The server's reply: delivery-status message and description (Mailgun fills one or the other, sometimes both).</summary>
    private static string? Diagnostic(JsonElement status)
    {
        var message = WebhookJson.OptionalString(status, "message")?.Trim();
        var description = WebhookJson.OptionalString(status, "description")?.Trim();
        if (string.IsNullOrEmpty(description) || description == message)
        {
            return string.IsNullOrEmpty(message) ? null : message;
        }

        return string.IsNullOrEmpty(message) ? description : $"{message} {description}";
    }
}
