using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Mailgun's webhooks: <c>signature</c> is the hex HMAC-SHA256, keyed with the webhook signing key, of <c>timestamp</c>
/// followed by <c>token</c>. The timestamp must be recent and the token never seen before. Two formats: the current JSON
/// one (<c>{"signature": {...}, "event-data": {...}}</c>) and the legacy form-encoded one (url-encoded or multipart form
/// fields <c>timestamp</c>, <c>token</c>, <c>signature</c>, <c>event</c>, <c>recipient</c> …). The signature is checked
/// before the events are read: for JSON only the top-level <c>signature</c> object is scanned first, for a form only
/// its fields are split.
/// </summary>
public sealed class MailgunWebhook(IOptionsMonitor<WebhookOptions> options, MailgunTokenCache tokens, TimeProvider clock) : IWebhookProvider
{
    public string Name => "mailgun";

    public bool IsConfigured => options.CurrentValue.Mailgun.IsConfigured;

    public async Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct)
    {
        var settings = options.CurrentValue.Mailgun;
        var form = await ReadFormAsync(request, ct);
        var (timestamp, token, hex) = form is null ? JsonSignature(request.Body) : (Field(form, "timestamp"), Field(form, "token"), Field(form, "signature"));
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(token) || string.IsNullOrEmpty(hex))
        {
            return WebhookVerdict.Reject("missing signature, timestamp or token");
        }

        var tolerance = TimeSpan.FromSeconds(settings.ToleranceSeconds);
        var now = clock.GetUtcNow();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799
            || !SharedSecret.Fresh(DateTimeOffset.FromUnixTimeSeconds(seconds), now, tolerance))
        {
            return WebhookVerdict.Reject($"timestamp {timestamp} is not within {tolerance.TotalSeconds} s of now");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.SigningKey!), Encoding.UTF8.GetBytes(timestamp + token));
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return WebhookVerdict.Reject("the signature is not hex");
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return WebhookVerdict.Reject("the signature does not verify");
        }

        // Authentic: now the events are read. Mapped before the token is recorded, so a malformed request (400) does not
        // use up its token.
        List<BounceInput> inputs;
        int ignored;
        if (form is null)
        {
            using var doc = WebhookJson.Parse(request.Body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new WebhookFormatException("A Mailgun webhook posts a JSON object.");
            }

            (inputs, ignored) = MailgunEventMapper.Map(WebhookJson.RequiredObject(doc.RootElement, "event-data"));
        }
        else
        {
            (inputs, ignored) = MailgunEventMapper.MapLegacy(form);
        }

        if (!tokens.TryUse(token, now, tolerance))
        {
            return WebhookVerdict.Reject("the token was used before (a replayed request)");
        }

        return WebhookVerdict.Apply(inputs, ignored) with { Undo = () => tokens.Release(token) };
    }

    /// <summary>The form fields of a legacy (form-encoded) webhook, or null for a JSON body.</summary>
    private static async Task<Dictionary<string, string>?> ReadFormAsync(WebhookRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.Headers.ContentType.ToString(), out var type))
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new FormReader(new MemoryStream(request.Body, writable: false));
            foreach (var (key, value) in await reader.ReadFormAsync(ct))
            {
                fields[key] = value.ToString();
            }

            return fields;
        }

        if (!type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new WebhookFormatException("The multipart form has no boundary.");
        }

        try
        {
            var multipart = new MultipartReader(boundary, new MemoryStream(request.Body, writable: false));
            while (await multipart.ReadNextSectionAsync(ct) is { } section)
            {
                // Attachments (a bounced message's copy) are not read; only plain form fields are.
                if (section.AsFormDataSection() is { } field)
                {
                    fields[field.Name] = await field.GetValueAsync(ct);
                }
            }
        }
        catch (IOException ex)
        {
            throw new WebhookFormatException("The multipart form could not be read: " + ex.Message);
        }

        return fields;
    }

    private static string? Field(Dictionary<string, string> form, string name) => form.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// The top-level <c>signature</c> object's three fields, read with a forward-only reader that skips everything else
    /// (the events are not parsed before the signature verifies).
    /// </summary>
    private static (string? Timestamp, string? Token, string? Signature) JsonSignature(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new WebhookFormatException("A Mailgun webhook posts a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSignature = reader.ValueTextEquals("signature"u8);
                reader.Read();
                if (!isSignature || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                string? timestamp = null, token = null, signature = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    reader.Read();
                    var value = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                    reader.Skip();
                    switch (name)
                    {
                        case "timestamp": timestamp = value; break;
                        case "token": token = value; break;
                        case "signature": signature = value; break;
                    }
                }

                return (timestamp, token, signature);
            }

            return (null, null, null);
        }
        catch (JsonException)
        {
            throw new WebhookFormatException("The body is not valid JSON.");
        }
    }
}
