using System.Text.Json;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Maps SendGrid Event Webhook events (a JSON array): bounce (type bounce or blocked), dropped, deferred, spamreport and
/// delivered. Engagement and processing events (processed, open, click, unsubscribe, group_…) are counted as ignored.
/// </summary>
internal static class SendGridEventMapper
{
    public const string Source = "webhook:sendgrid";

    public static (List<BounceInput> Inputs, int Ignored) Map(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new WebhookFormatException("The SendGrid Event Webhook posts a JSON array of events.");
        }

        var inputs = new List<BounceInput>();
        var ignored = 0;
        foreach (var e in root.EnumerateArray())
        {
            var kind = WebhookJson.RequiredString(e, "event");
            if (kind is not ("bounce" or "dropped" or "deferred" or "spamreport" or "delivered"))
            {
                ignored++;
                continue;
            }

            var reason = WebhookJson.OptionalString(e, "reason");
            var decision = Decide(kind, WebhookJson.OptionalString(e, "status"), reason,
                WebhookJson.OptionalString(e, "response"));
            if (decision is null)
            {
                ignored++;
                continue;
            }

            var diagnostic = kind is "deferred" or "delivered" ? WebhookJson.OptionalString(e, "response") ?? reason : reason;
            inputs.Add(WebhookRules.Input(
                Source,
                WebhookJson.RequiredString(e, "sg_event_id"),
                WebhookRules.Recipient(WebhookJson.OptionalString(e, "email"), "email"),
                WebhookJson.RequiredUnixTime(e, "timestamp"),
                decision.Value,
                status: kind == "bounce" ? WebhookJson.OptionalString(e, "status") : null,
                diagnostic: diagnostic,
                messageId: WebhookJson.OptionalString(e, "smtp-id"),
                // A custom argument the sender may set on the send; SendGrid echoes custom arguments on every event.
                sendId: WebhookRules.SendId(WebhookJson.OptionalString(e, "bounceadmin_send")),
                // deferred: SendGrid will retry (temporary); bounce (type bounce or blocked) and dropped: SendGrid gave up.
                permanent: kind switch { "deferred" => false, "bounce" or "dropped" => true, _ => null }));
        }

        return (inputs, ignored);
    }

    /// <summary>The reason of one event, or null for a drop BounceAdmin does not record (the person's own unsubscribe).</summary>
    private static ReasonDecision? Decide(string kind, string? status, string? reason, string? response)
    {
        switch (kind)
        {
            case "spamreport":
                return WebhookRules.Stated("feedback", "sendgrid:spamreport", "SendGrid forwarded a spam report: the recipient marked the message as spam");
            case "delivered":
                return WebhookRules.Stated("delivered", "sendgrid:delivered", "SendGrid reports the receiving server accepted the message: a delivery, not a bounce");
            case "deferred":
                return WebhookRules.Decide(null, null, response ?? reason, "delayed");
            case "bounce":
                // Both types are final refusals of this message: "bounce" of the address (SendGrid suppresses it), "blocked"
                // of the message or sender (the address is not suppressed); the reason text tells which cause it was.
                return WebhookRules.Decide(status, null, reason, "failed");
        }

        // dropped: SendGrid did not send at all; its reason names which list or check stopped it.
        return reason switch
        {
            "Bounced Address" => WebhookRules.Stated("suppressed", "sendgrid:dropped-bounced",
                "SendGrid refused: the address is on its bounce suppression list"),
            "Invalid" => WebhookRules.Stated("userunknown", "sendgrid:dropped-invalid",
                "SendGrid refused: it judged the address invalid"),
            // Earlier spam reports put the address on this list: it is the person's complaint on record, not a bad address.
            "Spam Reporting Address" => WebhookRules.Stated("feedback", "sendgrid:dropped-spamreport",
                "SendGrid refused: the recipient reported spam before (spam-report suppression list)"),
            // The person unsubscribed at SendGrid: not a bounce and not a complaint.
            "Unsubscribed Address" or "Unsubscribed Group" => null,
            _ => WebhookRules.Decide(null, null, reason, "failed"),
        };
    }
}
