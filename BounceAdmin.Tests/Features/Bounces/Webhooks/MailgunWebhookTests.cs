using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>POST /api/webhooks/mailgun: HMAC-signed events, fresh timestamps and single-use tokens.</summary>
[Collection(WebhookCollection.Name)]
public sealed class MailgunWebhookTests(WebhookTestApp app)
{
    private const string Url = "/api/webhooks/mailgun";

    private static Dictionary<string, object?> Failed(string recipient, string? id = null, string severity = "permanent", string? reason = "bounce",
        int code = 550, string message = "5.1.1 The email account that you tried to reach does not exist.", string? enhanced = "5.1.1")
        => new()
        {
            ["event"] = "failed", ["id"] = id ?? Guid.NewGuid().ToString("N"), ["timestamp"] = 1764237600.123, ["recipient"] = recipient,
            ["severity"] = severity, ["reason"] = reason,
            ["delivery-status"] = new Dictionary<string, object?>
            {
                ["code"] = code, ["message"] = message, ["description"] = "", ["enhanced-code"] = enhanced, ["mx-host"] = "mx.example.com",
            },
            ["message"] = new { headers = new Dictionary<string, string> { ["message-id"] = "orig-mg@shop.example" } },
        };

    private static Dictionary<string, object?> Event(string kind, string recipient) => new()
    {
        ["event"] = kind, ["id"] = Guid.NewGuid().ToString("N"), ["timestamp"] = 1764237600.5, ["recipient"] = recipient,
    };

    private static string Body(object eventData, string key = WebhookTestApp.MailgunKey, DateTimeOffset? at = null, string? token = null,
        string? signature = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        token ??= Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")[..18];
        signature ??= Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token)));
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["signature"] = new { timestamp, token, signature },
            ["event-data"] = eventData,
        });
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var client = app.CreateClient();
        return await client.PostAsync(Url, new StringContent(body, Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task ASignedPermanentFailureMakesTheAddressInvalidWithAnAuditEntry()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Failed(person.Email!)));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        Assert.True((await app.ReloadAsync(person.Id)).EmailInvalid);
        Assert.Contains(await app.AuditAsync(person.Id), a => a.Field == "Email Invalid" && a.Reason.Contains("webhook:mailgun"));
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("userunknown", "mx.example.com", 550), (evt.Reason, evt.RemoteMta, evt.ReplyCode));
    }

    [Fact]
    public async Task AResentEventWithAFreshSignatureIsADuplicate()
    {
        var person = await app.AddPersonAsync();
        var evt = Failed(person.Email!);
        (await PostAsync(Body(evt))).Dispose();
        var auditBefore = (await app.AuditAsync(person.Id)).Count;

        using var response = await PostAsync(Body(evt));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Duplicates);
        Assert.Equal(auditBefore, (await app.AuditAsync(person.Id)).Count);
        Assert.Single(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AReusedTokenIsRefused()
    {
        var person = await app.AddPersonAsync();
        var other = await app.AddPersonAsync();
        var token = Guid.NewGuid().ToString("N");
        (await PostAsync(Body(Failed(person.Email!), token: token))).Dispose();

        using var response = await PostAsync(Body(Failed(other.Email!), token: token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(other.Email!));
    }

    [Fact]
    public async Task ASuppressBounceFailureIsSuppressed()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Failed(person.Email!, reason: "suppress-bounce", code: 605,
            message: "Not delivering to previously bounced address", enhanced: null)));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("suppressed", "mailgun:suppress-bounce", (int?)null), (evt.Reason, evt.Rule, evt.ReplyCode));
    }

    [Fact]
    public async Task ATemporaryFailureChangesNoField()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Failed(person.Email!, severity: "temporary", reason: "generic", code: 452,
            message: "4.2.2 The email account that you tried to reach is over quota.", enhanced: "4.2.2")));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        Assert.Equal(3, Assert.Single(await app.EventsAsync(person.Email!)).Category);
        Assert.Empty(await app.AuditAsync(person.Id));
    }

    [Fact]
    public async Task AComplaintUnsubscribes()
    {
        var person = await app.AddPersonAsync();
        await app.AddRecentSendAsync(person); // issue 14: a complaint about a send of ours

        using var response = await PostAsync(Body(Event("complained", person.Email!)));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).NotBounces);
        Assert.True((await app.ReloadAsync(person.Id)).Unsubscribed);
        Assert.Equal("mailgun:complained", Assert.Single(await app.EventsAsync(person.Email!)).Rule);
    }

    [Fact]
    public async Task AnOpenIsIgnored()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Event("opened", person.Email!)));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Ignored);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task ATamperedTimestampIsRefused()
    {
        // Mailgun's HMAC covers the timestamp and the token (not event-data): changing a signed value must fail.
        var person = await app.AddPersonAsync();
        var body = Body(Failed(person.Email!));
        using var doc = JsonDocument.Parse(body);
        var timestamp = doc.RootElement.GetProperty("signature").GetProperty("timestamp").GetString()!;
        var earlier = (long.Parse(timestamp, CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture);

        using var response = await PostAsync(body.Replace($"\"{timestamp}\"", $"\"{earlier}\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task ASignatureWithAnotherKeyIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Failed(person.Email!), key: "some-other-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AStaleTimestampIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Failed(person.Email!), at: DateTimeOffset.UtcNow.AddMinutes(-6)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AMissingSignatureIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["event-data"] = Failed(person.Email!) }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequest()
    {
        using var response = await PostAsync("{\"signature\": {");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ASignedEventWithoutRecipientIsABadRequest()
    {
        var evt = Failed("nobody@example.com");
        evt.Remove("recipient");

        using var response = await PostAsync(Body(evt));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'recipient' is not an email address.", await response.Content.ReadAsStringAsync());
    }

    private async Task AssertNoFieldChangedAsync(BounceAdmin.Data.Entities.Person before)
    {
        var after = await app.ReloadAsync(before.Id);
        Assert.Equal((false, (DateTime?)null, (string?)null, false, (string?)null, false),
            (after.EmailSuspended, after.EmailSuspendedAt, after.EmailSuspendedCause, after.EmailInvalid, after.EmailInvalidCause, after.Unsubscribed));
        Assert.Empty(await app.AuditAsync(before.Id));
    }

    /// <summary>Issue 14.1: severity temporary "421 4.7.0 Try again later" was securityerror category 1; without any code the severity alone decides.</summary>
    [Theory]
    [InlineData(421, "4.7.0 Try again later, closing connection. (EHLO) security policy", "4.7.0")]
    [InlineData(0, "Message rejected as spam by the receiving server's policy", null)]
    public async Task ATemporarySeverityIsTemporaryWhateverTheTextSays(int code, string message, string? enhanced)
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Body(Failed(person.Email!, severity: "temporary", reason: "generic", code: code, message: message, enhanced: enhanced)));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.False(evt.Permanent);
        Assert.Contains(evt.Category, new int?[] { 3, 4 });
        await AssertNoFieldChangedAsync(person);
    }
}
