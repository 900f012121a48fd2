using System.Globalization;
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

    /// <summary>
    /// Maps one event of Mailgun's legacy (form-encoded) webhooks: <c>bounced</c> (a permanent failure), <c>dropped</c>
    /// (Mailgun stopped: <c>hardfail</c> for a suppressed address, <c>old</c>/<c>maxfails</c> after temporary failures),
    /// <c>complained</c> and <c>delivered</c>; opened, clicked, unsubscribed … are counted as ignored. The legacy format has
    /// no event id: the message id, event, recipient and timestamp name the event.
    /// </summary>
    public static (List<BounceInput> Inputs, int Ignored) MapLegacy(IReadOnlyDictionary<string, string> form)
    {
        string? F(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var kind = F("event") ?? throw new WebhookFormatException("'event' is required.");
        var code = int.TryParse(F("code"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 200 and < 600 ? c : (int?)null;
        var text = F("error") ?? F("notification") ?? F("description");
        bool? permanent = null;
        ReasonDecision? decision;
        switch (kind)
        {
            case "bounced":
                permanent = true;
                decision = WebhookRules.Decide(null, code, text, "failed");
                break;
            case "dropped":
                var dropReason = F("reason");
                var why = text ?? "";
                if (dropReason == "hardfail" && why.Contains("unsubscribe", StringComparison.OrdinalIgnoreCase))
                {
                    decision = null;
                }
                else if (dropReason == "hardfail" && why.Contains("complain", StringComparison.OrdinalIgnoreCase))
                {
                    decision = WebhookRules.Stated("feedback", "mailgun:suppress-complaint", "Mailgun refused: the recipient complained before (complaint suppression list)");
                }
                else if (dropReason == "hardfail")
                {
                    decision = WebhookRules.Stated("suppressed", "mailgun:suppress-bounce", "Mailgun refused: the address is on its bounce suppression list");
                    permanent = true;
                }
                else if (dropReason is "old" or "maxfails")
                {
                    // Mailgun gave up after temporary failures: the cause was temporary.
                    decision = WebhookRules.Decide(null, code, text, "delayed");
                    permanent = false;
                }
                else
                {
                    decision = WebhookRules.Decide(null, code, text, "failed");
                    permanent = true;
                }

                break;
            case "complained":
                decision = WebhookRules.Stated("feedback", "mailgun:complained", "Mailgun forwarded a complaint: the recipient marked the message as spam");
                break;
            case "delivered":
                decision = WebhookRules.Stated("delivered", "mailgun:delivered", "Mailgun reports the receiving server accepted the message: a delivery, not a bounce");
                break;
            default:
                return ([], 1);
        }

        if (decision is null)
        {
            return ([], 1);
        }

        var recipient = WebhookRules.Recipient(F("recipient"), "recipient");
        var timestamp = F("timestamp") ?? throw new WebhookFormatException("'timestamp' is required.");
        var seconds = long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s < 253_402_300_800
            ? s
            : throw new WebhookFormatException("'timestamp' is not a Unix time.");
        var messageId = F("Message-Id") ?? LegacyHeader(F("message-headers"), "Message-Id");
        var input = WebhookRules.Input(
            Source,
            $"legacy:{kind}:{messageId}:{timestamp}",
            recipient,
            DateTime.UnixEpoch.AddSeconds(seconds),
            decision.Value,
            replyCode: code,
            diagnostic: text,
            messageId: messageId,
            // A custom variable the sender attached: the legacy format posts it as a field of its own.
            sendId: WebhookRules.SendId(F("bounceadmin_send")),
            permanent: permanent);
        return ([input], 0);
    }

    /// <summary>A header of the legacy format's <c>message-headers</c> field (a JSON array of [name, value] pairs).</summary>
    private static string? LegacyHeader(string? headersJson, string name)
    {
        if (string.IsNullOrEmpty(headersJson))
        {
            return null;
        }

        using var doc = WebhookJson.Parse(headersJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var pair in doc.RootElement.EnumerateArray())
        {
            if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[0].ValueKind == JsonValueKind.String
                && string.Equals(pair[0].GetString(), name, StringComparison.OrdinalIgnoreCase) && pair[1].ValueKind == JsonValueKind.String)
            {
                return pair[1].GetString();
            }
        }

        return null;
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
