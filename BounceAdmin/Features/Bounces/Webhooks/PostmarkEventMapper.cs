using System.Text.Json;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Maps Postmark's bounce, spam-complaint and delivery webhooks (one record per request, told apart by RecordType).
/// Other record types (Open, Click, SubscriptionChange) and bounce types that are not bounces (Subscribe, Unsubscribe …)
/// are counted as ignored.
/// </summary>
internal static class PostmarkEventMapper
{
    public const string Source = "webhook:postmark";

    /// <summary>Bounce types Postmark counts as final.</summary>
    private static readonly HashSet<string> PermanentTypes = new(StringComparer.Ordinal)
    {
        "HardBounce", "BadEmailAddress", "Blocked", "SpamNotification", "VirusNotification", "DMARCPolicy", "AddressChange", "ManuallyDeactivated",
    };

    /// <summary>Bounce types Postmark counts as temporary (it retries or the receiver asked to try later).</summary>
    private static readonly HashSet<string> TemporaryTypes = new(StringComparer.Ordinal)
    {
        "Transient", "SoftBounce", "DnsError", "ChallengeVerification",
    };

    /// <summary>The permanence of a Postmark bounce type: hard types true, soft/transient ones false, Unknown and the rest not said.</summary>
    internal static bool? PermanenceOf(string type)
        => PermanentTypes.Contains(type) ? true : TemporaryTypes.Contains(type) ? false : null;

    public static (List<BounceInput> Inputs, int Ignored) Map(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookFormatException("A Postmark webhook posts a JSON object.");
        }

        var messageId = WebhookJson.OptionalString(record, "MessageID");
        var sendId = WebhookRules.SendId(WebhookJson.OptionalString(WebhookJson.Optional(record, "Metadata") ?? default, "bounceadmin_send"));
        switch (WebhookJson.RequiredString(record, "RecordType"))
        {
            case "Delivery":
                // A delivery has no ID of its own: Postmark's message id names the send (one recipient per message).
                return ([WebhookRules.Input(Source, "delivery:" + WebhookJson.RequiredString(record, "MessageID"),
                    WebhookRules.Recipient(WebhookJson.OptionalString(record, "Recipient"), "Recipient"),
                    WebhookJson.RequiredIsoTime(record, "DeliveredAt"),
                    WebhookRules.Stated("delivered", "postmark:delivery", "Postmark reports the receiving server accepted the message: a delivery, not a bounce"),
                    diagnostic: WebhookJson.OptionalString(record, "Details"), messageId: messageId, sendId: sendId)], 0);
            case "Bounce" or "SpamComplaint":
                break;
            default:
                return ([], 1);
        }

        var type = WebhookJson.RequiredString(record, "Type");
        // Details is the receiving server's text; Description is Postmark's generic text of the type, which must not be
        // classified (HardBounce's reads "ex: unknown user, mailbox not found" whatever happened).
        var details = WebhookRules.StripDiagnosticType(WebhookJson.OptionalString(record, "Details"));
        if (Decide(type, details) is not { } decision)
        {
            return ([], 1);
        }

        return ([WebhookRules.Input(Source,
            WebhookJson.RequiredString(record, "ID"),
            WebhookRules.Recipient(WebhookJson.OptionalString(record, "Email"), "Email"),
            WebhookJson.RequiredIsoTime(record, "BouncedAt"),
            decision,
            diagnostic: details ?? WebhookJson.OptionalString(record, "Description") ?? type,
            messageId: messageId,
            sendId: sendId,
            permanent: type == "SpamComplaint" ? null : PermanenceOf(type))], 0);
    }

    /// <summary>The reason of one Postmark record type, or null for a type that is not a bounce at all.</summary>
    private static ReasonDecision? Decide(string type, string? details)
    {
        switch (type)
        {
            case "SpamComplaint":
                return WebhookRules.Stated("feedback", "postmark:spamcomplaint", "Postmark forwarded a spam complaint: the recipient marked the message as spam");
            case "ManuallyDeactivated":
                return WebhookRules.Stated("suppressed", "postmark:manually-deactivated", "Postmark refused: the address is deactivated (on its suppression list)");
            case "AutoResponder":
                return WebhookRules.Stated("vacation", "postmark:autoresponder", "Postmark reports an automatic reply: not a bounce");
            case "Subscribe" or "Unsubscribe" or "Unconfirmed" or "OpenRelayTest" or "InboundError" or "TemplateRenderingFailed" or "SMTPApiError":
                // Not about the recipient's address: list-management mail, Postmark's own errors, inbound processing.
                return null;
        }

        var decision = WebhookRules.Decide(null, null, details, PermanenceOf(type) switch { true => "failed", false => "delayed", _ => null });
        if (!WebhookRules.Undecided(decision) && decision.Rule != "action:delayed")
        {
            return decision;
        }

        // The details named no cause the classifier knows: Postmark's type, where it names one, decides.
        return type switch
        {
            "BadEmailAddress" => WebhookRules.Stated("userunknown", "postmark:bademailaddress", "Postmark bounce type BadEmailAddress: the address is not valid"),
            "Blocked" => WebhookRules.Stated("blocked", "postmark:blocked", "Postmark bounce type Blocked: the receiving server blocked the sender"),
            "SpamNotification" => WebhookRules.Stated("spamdetected", "postmark:spamnotification", "Postmark bounce type SpamNotification: the message was judged spam"),
            "VirusNotification" => WebhookRules.Stated("virusdetected", "postmark:virusnotification", "Postmark bounce type VirusNotification: the message was judged to carry a virus"),
            "DnsError" => WebhookRules.Stated("networkerror", "postmark:dnserror", "Postmark bounce type DnsError: a temporary DNS failure"),
            "DMARCPolicy" => WebhookRules.Stated("authfailure", "postmark:dmarcpolicy", "Postmark bounce type DMARCPolicy: refused by the sender domain's DMARC policy"),
            "AddressChange" => WebhookRules.Stated("hasmoved", "postmark:addresschange", "Postmark bounce type AddressChange: the recipient's address has moved"),
            _ => decision,
        };
    }
}
