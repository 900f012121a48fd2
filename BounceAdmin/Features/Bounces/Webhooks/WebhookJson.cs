using System.Globalization;
using System.Text.Json;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Reading provider payloads with <see cref="JsonElement"/>: a missing required field or a value of the wrong type throws
/// <see cref="WebhookFormatException"/> with a short message naming the field (the caller answers 400 with it).
/// </summary>
internal static class WebhookJson
{
    public static JsonDocument Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw new WebhookFormatException("The body is not valid JSON.");
        }
    }

    public static JsonDocument Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw new WebhookFormatException("The message is not valid JSON.");
        }
    }

    public static JsonElement RequiredObject(JsonElement parent, string name)
        => Optional(parent, name) is { ValueKind: JsonValueKind.Object } o ? o : throw Missing(name, "an object");

    public static JsonElement RequiredArray(JsonElement parent, string name)
        => Optional(parent, name) is { ValueKind: JsonValueKind.Array } a ? a : throw Missing(name, "an array");

    public static string RequiredString(JsonElement parent, string name)
        => OptionalString(parent, name) is { Length: > 0 } s ? s : throw Missing(name, "a value");

    /// <summary>The property, or null when absent or JSON null (or <paramref name="parent"/> is not an object).</summary>
    public static JsonElement? Optional(JsonElement parent, string name)
        => parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A string property; numbers and booleans are given as their JSON text (providers are not consistent).</summary>
    public static string? OptionalString(JsonElement parent, string name) => Optional(parent, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        null => null,
        _ => throw Missing(name, "a string"),
    };

    public static int? OptionalInt(JsonElement parent, string name) => OptionalLong(parent, name) switch
    {
        null => null,
        >= int.MinValue and <= int.MaxValue and var i => (int)i,
        _ => throw Missing(name, "a whole number"),
    };

    public static long? OptionalLong(JsonElement parent, string name) => Optional(parent, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var i) => i,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) => i,
        { ValueKind: JsonValueKind.String } s when string.IsNullOrEmpty(s.GetString()) => null,
        null => null,
        _ => throw Missing(name, "a whole number"),
    };

    /// <summary>An ISO 8601 time with its offset (SES, Postmark, the generic schema), as UTC.</summary>
    public static DateTime RequiredIsoTime(JsonElement parent, string name)
    {
        var text = RequiredString(parent, name);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t.UtcDateTime
            : throw new WebhookFormatException($"'{name}' is not an ISO 8601 time.");
    }

    /// <summary>A Unix time in seconds, whole (SendGrid) or with a fraction (Mailgun), as UTC.</summary>
    public static DateTime RequiredUnixTime(JsonElement parent, string name)
    {
        var value = Optional(parent, name) ?? throw Missing(name, "a value");
        double seconds;
        if (value.ValueKind == JsonValueKind.Number)
        {
            seconds = value.GetDouble();
        }
        else if (value.ValueKind != JsonValueKind.String
                 || !double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
        {
            throw new WebhookFormatException($"'{name}' is not a Unix time.");
        }

        // Year 1970 to 9999: anything else is not a time a provider sends.
        return seconds is >= 0 and < 253_402_300_800
            ? DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond))
            : throw new WebhookFormatException($"'{name}' is not a Unix time.");
    }

    private static WebhookFormatException Missing(string name, string what) => new($"'{name}' is required and must be {what}.");
}
