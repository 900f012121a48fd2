using System.Text.Json;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Maps an Amazon SES event (the Message of an SNS notification) to inputs: bounce notifications (one input per bounced
/// recipient), complaints and deliveries, in both SES formats (notifications: <c>notificationType</c>; event publishing:
/// <c>eventType</c>). Other event types (Send, Open, Click, DeliveryDelay …) are counted as ignored.
/// </summary>
internal static class SesEventMapper
{
    public const string Source = "webhook:ses";

    /// <param name="snsMessageId">The SNS message id: the event id when the SES event carries none (a delivery).</param>
    public static (List<BounceInput> Inputs, int Ignored) Map(JsonElement e, string snsMessageId)
    {
        var type = WebhookJson.OptionalString(e, "notificationType") ?? WebhookJson.OptionalString(e, "eventType")
            ?? throw new WebhookFormatException("The SES event has neither 'notificationType' nor 'eventType'.");
        if (type is not ("Bounce" or "Complaint" or "Delivery"))
        {
            // Send, Open, Click, DeliveryDelay …, and SES's own "AmazonSnsSubscriptionSucceeded" notice (which has no mail).
            return ([], 1);
        }

        var mail = WebhookJson.RequiredObject(e, "mail");
        var messageId = Header(mail, "Message-ID")
            ?? WebhookJson.OptionalString(WebhookJson.Optional(mail, "commonHeaders") ?? default, "messageId")
            ?? WebhookJson.OptionalString(mail, "messageId");
        var sendId = WebhookRules.SendId(Header(mail, "X-BounceAdmin-Send"));

        return type switch
        {
            "Bounce" => (Bounces(WebhookJson.RequiredObject(e, "bounce"), messageId, sendId), 0),
            "Complaint" => (Complaints(WebhookJson.RequiredObject(e, "complaint"), snsMessageId, messageId, sendId), 0),
            _ => (Deliveries(WebhookJson.RequiredObject(e, "delivery"), mail, messageId, sendId), 0),
        };
    }

    private static List<BounceInput> Bounces(JsonElement bounce, string? messageId, long? sendId)
    {
        var bounceType = WebhookJson.RequiredString(bounce, "bounceType");
        var subType = WebhookJson.OptionalString(bounce, "bounceSubType");
        var feedbackId = WebhookJson.RequiredString(bounce, "feedbackId");
        var at = WebhookJson.RequiredIsoTime(bounce, "timestamp");
        var remoteMta = WebhookJson.OptionalString(bounce, "remoteMtaIp");
        var inputs = new List<BounceInput>();
        foreach (var r in WebhookJson.RequiredArray(bounce, "bouncedRecipients").EnumerateArray())
        {
            var recipient = WebhookRules.Recipient(WebhookJson.OptionalString(r, "emailAddress"), "bouncedRecipients.emailAddress");
            var status = WebhookJson.OptionalString(r, "status");
            // RFC 3464 diagnostic-type prefix ("smtp; 550 ..."): the text after it is the server's reply.
            var diagnostic = WebhookRules.StripDiagnosticType(WebhookJson.OptionalString(r, "diagnosticCode"));
            var decision = Decide(bounceType, subType, status, diagnostic, WebhookJson.OptionalString(r, "action"));
            inputs.Add(WebhookRules.Input(Source, feedbackId, recipient, at, decision, status, null, diagnostic ?? Describe(bounceType, subType),
                remoteMta, messageId, sendId, permanent: PermanenceOf(bounceType)));
        }

        return inputs.Count > 0 ? inputs : throw new WebhookFormatException("'bouncedRecipients' is empty.");
    }

    /// <summary>SES's bounceType as a permanence: Permanent → true, Transient → false, Undetermined (or anything else) → not said.</summary>
    internal static bool? PermanenceOf(string bounceType) => bounceType switch
    {
        "Permanent" => true,
        "Transient" => false,
        _ => null,
    };

    private static ReasonDecision Decide(string bounceType, string? subType, string? status, string? diagnostic, string? action)
    {
        // SES states these causes itself: it did not send at all, because of a suppression list.
        if (subType == "Suppressed")
        {
            return WebhookRules.Stated("suppressed", "ses:suppressed", "SES refused: the address is on the SES global suppression list");
        }

        if (subType == "OnAccountSuppressionList")
        {
            return WebhookRules.Stated("suppressed", "ses:account-suppressed", "SES refused: the address is on the account's suppression list");
        }

        action ??= bounceType switch { "Permanent" => "failed", "Transient" => "delayed", _ => null };
        var decision = WebhookRules.Decide(status, null, diagnostic, action);
        if (!WebhookRules.Undecided(decision))
        {
            return decision;
        }

        // The classifier found no cause in the status or diagnostic: SES's own subtype, when it names one, decides.
        return (bounceType, subType) switch
        {
            ("Permanent", "NoEmail") => WebhookRules.Stated("userunknown", "ses:noemail", "SES bounce subtype NoEmail: the receiving server said the address does not exist"),
            ("Transient", "MailboxFull") => WebhookRules.Stated("mailboxfull", "ses:mailboxfull", "SES bounce subtype MailboxFull: the recipient's mailbox is full"),
            ("Transient", "MessageTooLarge") => WebhookRules.Stated("mesgtoobig", "ses:messagetoolarge", "SES bounce subtype MessageTooLarge: the message was too large for the recipient"),
            _ => decision,
        };
    }

    private static List<BounceInput> Complaints(JsonElement complaint, string snsMessageId, string? messageId, long? sendId)
    {
        var feedbackId = WebhookJson.OptionalString(complaint, "feedbackId") ?? snsMessageId;
        var at = WebhookJson.RequiredIsoTime(complaint, "timestamp");
        var type = WebhookJson.OptionalString(complaint, "complaintFeedbackType");
        var decision = WebhookRules.Stated("feedback", "ses:complaint", "SES forwarded a complaint (feedback-loop report): the recipient marked the message as spam");
        return WebhookJson.RequiredArray(complaint, "complainedRecipients").EnumerateArray()
            .Select(r => WebhookRules.Input(Source, feedbackId,
                WebhookRules.Recipient(WebhookJson.OptionalString(r, "emailAddress"), "complainedRecipients.emailAddress"),
                at, decision, diagnostic: "Complaint" + (type is null ? "" : $" ({type})"), messageId: messageId, sendId: sendId))
            .ToList();
    }

    private static List<BounceInput> Deliveries(JsonElement delivery, JsonElement mail, string? messageId, long? sendId)
    {
        // A delivery carries no event id of its own; SES's message id names the send, one delivery per recipient.
        var id = "delivery:" + WebhookJson.RequiredString(mail, "messageId");
        var at = WebhookJson.RequiredIsoTime(delivery, "timestamp");
        var response = WebhookJson.OptionalString(delivery, "smtpResponse");
        var remoteMta = WebhookJson.OptionalString(delivery, "remoteMtaIp");
        var decision = WebhookRules.Stated("delivered", "ses:delivery", "SES reports the receiving server accepted the message: a delivery, not a bounce");
        return WebhookJson.RequiredArray(delivery, "recipients").EnumerateArray()
            .Select(r => WebhookRules.Input(Source, id, WebhookRules.Recipient(r.ValueKind == JsonValueKind.String ? r.GetString() : null, "delivery.recipients"),
                at, decision, diagnostic: response, remoteMta: remoteMta, messageId: messageId, sendId: sendId))
            .ToList();
    }

    /// <summary>The value of a header of the original message (SES includes them when the identity is set to).</summary>
    private static string? Header(JsonElement mail, string name)
    {
        if (WebhookJson.Optional(mail, "headers") is not { ValueKind: JsonValueKind.Array } headers)
        {
            return null;
        }

        foreach (var h in headers.EnumerateArray())
        {
            if (string.Equals(WebhookJson.OptionalString(h, "name"), name, StringComparison.OrdinalIgnoreCase))
            {
                return WebhookJson.OptionalString(h, "value");
            }
        }

        return null;
    }

    private static string Describe(string bounceType, string? subType) => $"SES {bounceType} bounce{(subType is null ? "" : $" ({subType})")}";
}
