using System.Text.Json;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Maps the generic JSON schema (README.md in this folder): an array of events with id, recipient, occurredAt, kind
/// (bounce, complaint, delivery; default bounce) and, for bounces, the SMTP facts the classifier reads.
/// </summary>
internal static class GenericEventMapper
{
    public const string Source = "webhook:generic";

    public static (List<BounceInput> Inputs, int Ignored) Map(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new WebhookFormatException("The body must be a JSON array of events.");
        }

        var inputs = new List<BounceInput>();
        var index = 0;
        var ignored = 0;
        foreach (var e in root.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw new WebhookFormatException($"Event {index} is not a JSON object.");
            }

            if (WebhookEngagement.IsGenericEngagement(e))
            {
                // Opens, clicks and unsubscribes are engagement, recorded by WebhookEngagement (sends-events).
                ignored++;
                index++;
                continue;
            }

            try
            {
                inputs.Add(MapOne(e));
            }
            catch (WebhookFormatException ex)
            {
                throw new WebhookFormatException($"Event {index}: {ex.Message}");
            }

            index++;
        }

        return (inputs, ignored);
    }

    private static BounceInput MapOne(JsonElement e)
    {
        var status = WebhookJson.OptionalString(e, "status");
        var replyCode = WebhookJson.OptionalInt(e, "replyCode");
        var diagnostic = WebhookRules.StripDiagnosticType(WebhookJson.OptionalString(e, "diagnostic"));
        var action = WebhookJson.OptionalString(e, "action")?.Trim().ToLowerInvariant();
        ReasonDecision decision = (WebhookJson.OptionalString(e, "kind") ?? "bounce") switch
        {
            "bounce" => WebhookRules.Decide(status, replyCode, diagnostic, action ?? "failed"),
            "complaint" => WebhookRules.Stated("feedback", "generic:complaint", "the sending system reported a complaint: the recipient marked the message as spam"),
            "delivery" => WebhookRules.Stated("delivered", "generic:delivery", "the sending system reported a delivery: not a bounce"),
            var other => throw new WebhookFormatException($"'kind' must be bounce, complaint or delivery, not '{other}'."),
        };

        // Optional "permanent": true or false says it outright; otherwise the status, reply code and action decide.
        var permanent = WebhookJson.Optional(e, "permanent") switch
        {
            null => BounceTaxonomy.PermanenceOf(status, replyCode, action),
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => throw new WebhookFormatException("'permanent' must be true or false."),
        };

        return WebhookRules.Input(
            Source,
            WebhookJson.RequiredString(e, "id"),
            WebhookRules.StrictRecipient(WebhookJson.OptionalString(e, "recipient"), "recipient"),
            WebhookJson.RequiredIsoTime(e, "occurredAt"),
            decision,
            status,
            replyCode,
            diagnostic,
            WebhookJson.OptionalString(e, "remoteMta"),
            WebhookJson.OptionalString(e, "messageId"),
            WebhookJson.OptionalLong(e, "sendId"),
            permanent);
    }
}
