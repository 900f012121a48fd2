using System.Text.Json;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Engagement;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// The engagement in a provider's webhook request — deliveries, opens, clicks and unsubscribes — recorded on the matched
/// send through <see cref="EngagementService"/>, so the Email Performance Report is filled by real provider traffic. Runs
/// after the request was authenticated and its bounces applied; the bounce mappers count these events as ignored.
/// </summary>
/// <remarks>
/// <para>Deliveries come from the mappers' own "delivered" inputs (they already read each provider's delivery). Opens,
/// clicks and unsubscribes are read here from the body: SendGrid <c>open</c>/<c>click</c>/<c>unsubscribe</c>/
/// <c>group_unsubscribe</c>; Mailgun <c>opened</c>/<c>clicked</c>/<c>unsubscribed</c>; Postmark <c>Open</c>/<c>Click</c>/
/// <c>SubscriptionChange</c> (when it suppresses sending); SES (through SNS) <c>Open</c>/<c>Click</c>; the generic schema's
/// <c>open</c>/<c>click</c>/<c>unsubscribe</c>. The send is matched by the same fields the bounce mappers use: our send
/// id (<c>bounceadmin_send</c> custom argument, <c>X-BounceAdmin-Send</c> header, generic <c>sendId</c>) or the
/// Message-ID. An event naming neither, or one that cannot be read, is skipped (the provider's bounce path already
/// refused a malformed body).</para>
/// <para>Each event is keyed by the provider's event id, so a provider's retry records nothing twice.</para>
/// </remarks>
public static class WebhookEngagement
{
    /// <summary>Records the request's engagement and completes <paramref name="summary"/>.</summary>
    public static async Task RecordAsync(IServiceProvider services, string provider, byte[] body, IReadOnlyList<BounceInput> inputs,
        WebhookSummary summary, CancellationToken ct)
    {
        var fromBody = Read(provider, body);
        var events = Deliveries(inputs).Concat(fromBody).ToList();
        if (events.Count == 0)
        {
            return;
        }

        var engagement = services.GetRequiredService<EngagementService>();
        var caller = WebhookApplier.SystemIdentity("webhook:" + provider);
        foreach (var chunk in events.Chunk(EngagementLimits.MaxBatch))
        {
            var result = await engagement.RecordAsync(caller, chunk, "webhook:" + provider, ct);
            summary.Engagement += result.Recorded + result.Duplicates;
            summary.EngagementUnmatched += result.Unmatched;
        }

        // The bounce mappers counted the opens, clicks and unsubscribes as ignored: they are not any more.
        summary.Ignored = Math.Max(0, summary.Ignored - fromBody.Count);
    }

    /// <summary>The mappers' deliveries that name a send (by id or Message-ID).</summary>
    internal static IEnumerable<EventRecord> Deliveries(IReadOnlyList<BounceInput> inputs)
        => inputs.Where(i => i.Reason == "delivered" && (i.SendId is not null || !string.IsNullOrWhiteSpace(i.OriginalMessageId)))
            .Select(i => new EventRecord(EmailEventType.Delivered, new DateTimeOffset(DateTime.SpecifyKind(i.OccurredAt, DateTimeKind.Utc)),
                SendId: i.SendId, MessageId: i.OriginalMessageId, DedupKey: i.DedupKey));

    /// <summary>The opens, clicks and unsubscribes of one provider's body (never throws: unreadable events are skipped).</summary>
    internal static List<EventRecord> Read(string provider, byte[] body)
    {
        var events = new List<EventRecord>();
        try
        {
            if (provider == "ses")
            {
                // The SNS envelope was verified by the provider; its Message is the SES event as a JSON string.
                using var envelope = JsonDocument.Parse(body);
                if (envelope.RootElement.ValueKind != JsonValueKind.Object
                    || WebhookJson.OptionalString(envelope.RootElement, "Type") != SnsMessage.Notification
                    || WebhookJson.OptionalString(envelope.RootElement, "Message") is not { } message)
                {
                    return events;
                }

                using var inner = JsonDocument.Parse(message);
                Each(events, inner.RootElement, Ses);
                return events;
            }

            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            switch (provider)
            {
                case "sendgrid" when root.ValueKind == JsonValueKind.Array:
                    foreach (var e in root.EnumerateArray())
                    {
                        Each(events, e, SendGrid);
                    }

                    break;
                case "mailgun" when root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event-data", out var data):
                    Each(events, data, Mailgun);
                    break;
                case "postmark":
                    Each(events, root, Postmark);
                    break;
                case "generic" when root.ValueKind == JsonValueKind.Array:
                    foreach (var e in root.EnumerateArray())
                    {
                        Each(events, e, Generic);
                    }

                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or WebhookFormatException or InvalidOperationException)
        {
            // The bounce path reads the same body and answers a malformed one; engagement only skips it.
        }

        return events;
    }

    /// <summary>Whether a generic-schema event is engagement (the generic bounce mapper then skips it as ignored).</summary>
    internal static bool IsGenericEngagement(JsonElement e)
        => e.ValueKind == JsonValueKind.Object && WebhookJson.OptionalString(e, "kind") is "open" or "click" or "unsubscribe";

    private static void Each(List<EventRecord> events, JsonElement e, Func<JsonElement, EventRecord?> map)
    {
        try
        {
            if (e.ValueKind == JsonValueKind.Object && map(e) is { } record
                && (record.SendId is not null || !string.IsNullOrWhiteSpace(record.MessageId)))
            {
                events.Add(record);
            }
        }
        catch (Exception ex) when (ex is WebhookFormatException or InvalidOperationException or FormatException)
        {
            // One unreadable event does not stop the others.
        }
    }

    private static EventRecord Event(string source, EmailEventType type, string eventId, DateTime at, string? messageId, long? sendId)
        => new(type, new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), SendId: sendId,
            MessageId: messageId, DedupKey: WebhookRules.DedupKey(source, eventId, type.ToString()));

    private static EventRecord? SendGrid(JsonElement e)
    {
        var type = WebhookJson.OptionalString(e, "event") switch
        {
            "open" => EmailEventType.Opened,
            "click" => EmailEventType.Clicked,
            "unsubscribe" or "group_unsubscribe" => EmailEventType.Unsubscribed,
            _ => (EmailEventType?)null,
        };
        return type is not { } t ? null : Event("webhook:sendgrid", t, WebhookJson.RequiredString(e, "sg_event_id"),
            WebhookJson.RequiredUnixTime(e, "timestamp"), WebhookJson.OptionalString(e, "smtp-id"),
            WebhookRules.SendId(WebhookJson.OptionalString(e, "bounceadmin_send")));
    }

    private static EventRecord? Mailgun(JsonElement data)
    {
        var type = WebhookJson.OptionalString(data, "event") switch
        {
            "opened" => EmailEventType.Opened,
            "clicked" => EmailEventType.Clicked,
            "unsubscribed" => EmailEventType.Unsubscribed,
            _ => (EmailEventType?)null,
        };
        if (type is not { } t)
        {
            return null;
        }

        var headers = WebhookJson.Optional(data, "message") is { ValueKind: JsonValueKind.Object } message
            ? WebhookJson.Optional(message, "headers")
            : null;
        var variables = WebhookJson.Optional(data, "user-variables");
        return Event("webhook:mailgun", t, WebhookJson.RequiredString(data, "id"), WebhookJson.RequiredUnixTime(data, "timestamp"),
            headers is { ValueKind: JsonValueKind.Object } h ? WebhookJson.OptionalString(h, "message-id") : null,
            variables is { ValueKind: JsonValueKind.Object } v ? WebhookRules.SendId(WebhookJson.OptionalString(v, "bounceadmin_send")) : null);
    }

    private static EventRecord? Postmark(JsonElement record)
    {
        var (type, timeField) = WebhookJson.OptionalString(record, "RecordType") switch
        {
            "Open" => (EmailEventType.Opened, "ReceivedAt"),
            "Click" => (EmailEventType.Clicked, "ReceivedAt"),
            // A recipient's own unsubscribe (or spam complaint, which the bounce path records) suppresses sending.
            "SubscriptionChange" when WebhookJson.Optional(record, "SuppressSending") is { ValueKind: JsonValueKind.True }
                && WebhookJson.OptionalString(record, "SuppressionReason") is null or "ManualSuppression" => (EmailEventType.Unsubscribed, "ChangedAt"),
            _ => ((EmailEventType)0, ""),
        };
        if (type == 0)
        {
            return null;
        }

        var messageId = WebhookJson.OptionalString(record, "MessageID");
        var at = WebhookJson.RequiredIsoTime(record, timeField);
        var metadata = WebhookJson.Optional(record, "Metadata");
        return Event("webhook:postmark", type, $"{messageId}:{timeField}:{at.Ticks}", at, messageId,
            metadata is { ValueKind: JsonValueKind.Object } m ? WebhookRules.SendId(WebhookJson.OptionalString(m, "bounceadmin_send")) : null);
    }

    private static EventRecord? Ses(JsonElement e)
    {
        var (type, field) = WebhookJson.OptionalString(e, "eventType") switch
        {
            "Open" => (EmailEventType.Opened, "open"),
            "Click" => (EmailEventType.Clicked, "click"),
            _ => ((EmailEventType)0, ""),
        };
        if (type == 0)
        {
            return null;
        }

        var mail = WebhookJson.RequiredObject(e, "mail");
        var detail = WebhookJson.RequiredObject(e, field);
        var at = WebhookJson.RequiredIsoTime(detail, "timestamp");
        var messageId = Header(mail, "Message-ID")
            ?? (WebhookJson.Optional(mail, "commonHeaders") is { ValueKind: JsonValueKind.Object } common ? WebhookJson.OptionalString(common, "messageId") : null)
            ?? WebhookJson.OptionalString(mail, "messageId");
        return Event("webhook:ses", type, $"{WebhookJson.OptionalString(mail, "messageId")}:{field}:{at.Ticks}", at, messageId,
            WebhookRules.SendId(Header(mail, "X-BounceAdmin-Send")));
    }

    private static EventRecord? Generic(JsonElement e)
    {
        var type = WebhookJson.OptionalString(e, "kind") switch
        {
            "open" => EmailEventType.Opened,
            "click" => EmailEventType.Clicked,
            "unsubscribe" => EmailEventType.Unsubscribed,
            _ => (EmailEventType?)null,
        };
        return type is not { } t ? null : Event("webhook:generic", t, WebhookJson.RequiredString(e, "id"),
            WebhookJson.RequiredIsoTime(e, "occurredAt"), WebhookJson.OptionalString(e, "messageId"), WebhookJson.OptionalLong(e, "sendId"));
    }

    private static string? Header(JsonElement mail, string name)
    {
        if (WebhookJson.Optional(mail, "headers") is not { ValueKind: JsonValueKind.Array } headers)
        {
            return null;
        }

        foreach (var h in headers.EnumerateArray())
        {
            if (h.ValueKind == JsonValueKind.Object && string.Equals(WebhookJson.OptionalString(h, "name"), name, StringComparison.OrdinalIgnoreCase))
            {
                return WebhookJson.OptionalString(h, "value");
            }
        }

        return null;
    }
}
