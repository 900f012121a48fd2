using System.Text.Json;
using System.Text.Json.Serialization;
using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.Engagement;

/// <summary>The body of <c>POST /api/v1/sends</c>: <c>{"createPeople": false, "sends": [...]}</c> (or just the array).</summary>
public sealed class SendsRequest
{
    /// <summary>Create a person for a recipient nobody has (needs the <c>people:write</c> scope); otherwise it is reported back.</summary>
    public bool CreatePeople { get; set; }

    public List<SendJson?>? Sends { get; set; }
}

/// <summary>One send as JSON (issue 12 point 5 names). <see cref="SentAt"/> is read as text so an offset can be required.</summary>
public sealed class SendJson
{
    public string? EmailName { get; set; }
    public string? EmailExternalId { get; set; }
    public string? Program { get; set; }
    public string? Recipient { get; set; }
    public string? SentAt { get; set; }
    public string? ExternalId { get; set; }
    public string? MessageId { get; set; }
}

/// <summary>The body of <c>POST /api/v1/events</c>: <c>{"events": [...]}</c> (or just the array).</summary>
public sealed class EventsRequest
{
    public List<EventJson?>? Events { get; set; }
}

/// <summary>One event as JSON: <c>type</c>, which send (<c>externalSendId</c>, <c>messageId</c>, <c>sendId</c>, or email + recipient), <c>occurredAt</c>.</summary>
public sealed class EventJson
{
    public string? Type { get; set; }
    public string? ExternalSendId { get; set; }
    public string? MessageId { get; set; }
    public long? SendId { get; set; }
    public string? EmailName { get; set; }
    public string? EmailExternalId { get; set; }
    public string? Recipient { get; set; }
    public string? OccurredAt { get; set; }

    /// <summary>The caller's own id of the event: the same id posted again is a duplicate.</summary>
    public string? ExternalId { get; set; }
}

/// <summary>A batch larger than <see cref="EngagementLimits.MaxBatch"/> items or <see cref="EngagementLimits.MaxBodyBytes"/> bytes (HTTP 413).</summary>
public sealed class BatchTooLargeException(string message) : Exception(message);

/// <summary>Reads the JSON bodies of the sends and events endpoints into the services' records, naming the item of every error.</summary>
public static class EngagementJson
{
    /// <summary>The API's JSON: camelCase names, enums as camelCase strings.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <exception cref="BatchRejectedException">Malformed JSON, or an item without its fields or with a time without an offset.</exception>
    /// <exception cref="BatchTooLargeException">More than <see cref="EngagementLimits.MaxBatch"/> sends.</exception>
    public static (List<SendRecord> Sends, bool CreatePeople) ReadSends(ReadOnlySpan<byte> body)
    {
        var request = IsArray(body)
            ? new SendsRequest { Sends = Deserialize<List<SendJson?>>(body) }
            : Deserialize<SendsRequest>(body);
        var items = request?.Sends ?? throw new BatchRejectedException([new(-1, "sends", "The body must be {\"sends\": [...]} or a JSON array of sends.")]);
        if (items.Count > EngagementLimits.MaxBatch)
        {
            throw new BatchTooLargeException($"A batch has at most {EngagementLimits.MaxBatch:N0} sends; this one has {items.Count:N0}. Split it.");
        }

        var errors = new List<ItemError>();
        var records = new List<SendRecord>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } s)
            {
                errors.Add(new ItemError(i, "", "is null, not a send"));
                continue;
            }

            if (!IsoTimestamp.TryParse(s.SentAt, out var sentAt, out var why))
            {
                errors.Add(new ItemError(i, "sentAt", why));
                continue;
            }

            records.Add(new SendRecord(s.EmailName, s.EmailExternalId, s.Program, s.Recipient ?? "", sentAt, s.ExternalId, s.MessageId));
        }

        if (errors.Count > 0)
        {
            throw new BatchRejectedException(errors);
        }

        // The service checks the rest (addresses, ids, emails) and names the items the same way.
        return (records, request.CreatePeople);
    }

    /// <exception cref="BatchRejectedException">Malformed JSON, an unknown type, a time without an offset.</exception>
    /// <exception cref="BatchTooLargeException">More than <see cref="EngagementLimits.MaxBatch"/> events.</exception>
    public static List<EventRecord> ReadEvents(ReadOnlySpan<byte> body)
    {
        var items = (IsArray(body) ? Deserialize<List<EventJson?>>(body) : Deserialize<EventsRequest>(body)?.Events)
            ?? throw new BatchRejectedException([new(-1, "events", "The body must be {\"events\": [...]} or a JSON array of events.")]);
        if (items.Count > EngagementLimits.MaxBatch)
        {
            throw new BatchTooLargeException($"A batch has at most {EngagementLimits.MaxBatch:N0} events; this one has {items.Count:N0}. Split it.");
        }

        var errors = new List<ItemError>();
        var records = new List<EventRecord>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } e)
            {
                errors.Add(new ItemError(i, "", "is null, not an event"));
                continue;
            }

            var type = ParseType(e.Type);
            if (type is null)
            {
                errors.Add(new ItemError(i, "type", $"must be delivered, opened, clicked or unsubscribed{(e.Type is null ? "" : $", not '{Cut(e.Type)}'")}"));
            }

            if (!IsoTimestamp.TryParse(e.OccurredAt, out var at, out var why))
            {
                errors.Add(new ItemError(i, "occurredAt", why));
            }

            if (type is { } t && why.Length == 0)
            {
                records.Add(new EventRecord(t, at, e.SendId, e.ExternalSendId, e.MessageId, e.EmailName, e.EmailExternalId, e.Recipient,
                    string.IsNullOrWhiteSpace(e.ExternalId) ? null : "api:" + e.ExternalId.Trim()));
            }
        }

        return errors.Count > 0 ? throw new BatchRejectedException(errors) : records;
    }

    /// <summary>An event type by its API name (case-insensitive), or null.</summary>
    public static EmailEventType? ParseType(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "delivered" => EmailEventType.Delivered,
        "opened" => EmailEventType.Opened,
        "clicked" => EmailEventType.Clicked,
        "unsubscribed" => EmailEventType.Unsubscribed,
        _ => null,
    };

    private static bool IsArray(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b == (byte)'[';
        }

        return false;
    }

    private static T? Deserialize<T>(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body, Options);
        }
        catch (JsonException ex)
        {
            // The reader's own position (line, byte and JSON path), never the exception's internals.
            var where = ex.Path is { Length: > 1 } path ? $" at {path}" : "";
            var line = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw new BatchRejectedException([new(ItemOf(ex.Path), "", $"The body is not valid JSON for this endpoint{where}{line}.")]);
        }
    }

    /// <summary>The item index in a JSON path such as <c>$.sends[12].sentAt</c>, or -1.</summary>
    private static int ItemOf(string? path)
    {
        var open = path?.IndexOf('[') ?? -1;
        var close = open < 0 ? -1 : path!.IndexOf(']', open);
        return close > open + 1 && int.TryParse(path.AsSpan(open + 1, close - open - 1), out var i) ? i : -1;
    }

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
