using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BounceAdmin.Features.Bounces.Webhooks;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>POST /api/webhooks/sendgrid: ECDSA-signed event batches applied under the bounce rules.</summary>
[Collection(WebhookCollection.Name)]
public sealed class SendGridWebhookTests(WebhookTestApp app)
{
    private const string Url = "/api/webhooks/sendgrid";

    private static object Bounce(string email, string? id = null, string type = "bounce", string status = "5.1.1",
        string reason = "550 5.1.1 The email account that you tried to reach does not exist.")
        => new Dictionary<string, object>
        {
            ["email"] = email, ["timestamp"] = 1764237600, ["smtp-id"] = "<orig-sg@shop.example>", ["event"] = "bounce", ["type"] = type,
            ["sg_event_id"] = id ?? Guid.NewGuid().ToString("N"), ["sg_message_id"] = "sg-msg.1", ["status"] = status, ["reason"] = reason,
        };

    private static object Event(string kind, string email, string? reason = null) => new Dictionary<string, object?>
    {
        ["email"] = email, ["timestamp"] = 1764237600, ["event"] = kind, ["sg_event_id"] = Guid.NewGuid().ToString("N"), ["reason"] = reason,
    };

    private async Task<HttpResponseMessage> PostAsync(string body, ECDsa? key = null, long? timestamp = null, string? signedBody = null,
        bool withSignature = true)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var signature = (key ?? app.SendGridKey).SignData(Encoding.UTF8.GetBytes(ts + (signedBody ?? body)), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (withSignature)
        {
            request.Headers.Add(SendGridWebhook.SignatureHeader, Convert.ToBase64String(signature));
        }

        request.Headers.Add(SendGridWebhook.TimestampHeader, ts);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task ASignedBounceMakesTheAddressInvalidWithAnAuditEntry()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        Assert.True((await app.ReloadAsync(person.Id)).EmailInvalid);
        Assert.Contains(await app.AuditAsync(person.Id), a => a.Field == "Email Invalid" && a.Reason.Contains("webhook:sendgrid"));
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("webhook:sendgrid", "userunknown", "orig-sg@shop.example"), (evt.Source, evt.Reason, evt.OriginalMessageId));
    }

    [Fact]
    public async Task ARetriedBatchIsAllDuplicates()
    {
        var person = await app.AddPersonAsync();
        var body = JsonSerializer.Serialize(new[] { Bounce(person.Email!) });
        (await PostAsync(body)).Dispose();
        var auditBefore = (await app.AuditAsync(person.Id)).Count;

        using var response = await PostAsync(body);

        var summary = await WebhookAssertions.SummaryAsync(response);
        Assert.Equal((0, 1), (summary.Applied, summary.Duplicates));
        Assert.Equal(auditBefore, (await app.AuditAsync(person.Id)).Count);
    }

    [Fact]
    public async Task ADropForABouncedAddressIsSuppressed()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Event("dropped", person.Email!, "Bounced Address") }));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("suppressed", "sendgrid:dropped-bounced"), (evt.Reason, evt.Rule));
        Assert.True((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task ASpamReportUnsubscribes()
    {
        var person = await app.AddPersonAsync();
        await app.AddRecentSendAsync(person); // issue 14: a complaint about a send of ours

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Event("spamreport", person.Email!) }));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).NotBounces);
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.Unsubscribed);
        Assert.False(reloaded.EmailInvalid || reloaded.EmailSuspended);
    }

    [Fact]
    public async Task ABlockIsClassifiedFromItsReasonAndEngagementEventsAreIgnored()
    {
        var person = await app.AddPersonAsync();
        var events = new[]
        {
            Bounce(person.Email!, type: "blocked", status: "5.7.1", reason: "550 5.7.1 Service unavailable; client host [1.2.3.4] blocked using Spamhaus"),
            Event("open", person.Email!), Event("processed", person.Email!),
        };

        using var response = await PostAsync(JsonSerializer.Serialize(events));

        var summary = await WebhookAssertions.SummaryAsync(response);
        Assert.Equal((1, 2), (summary.Applied, summary.Ignored));
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(1, evt.Category);
        Assert.True((await app.ReloadAsync(person.Id)).EmailSuspended);
    }

    [Fact]
    public async Task ATamperedBodyIsRefusedAndChangesNothing()
    {
        var person = await app.AddPersonAsync();
        var signed = JsonSerializer.Serialize(new[] { Event("deferred", person.Email!, "try later") });

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }), signedBody: signed);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
        Assert.False((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task ASignatureByAnotherKeyIsRefused()
    {
        var person = await app.AddPersonAsync();
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }), key: stranger);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AStaleTimestampIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }),
            timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AMissingSignatureHeaderIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }), withSignature: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task SignedMalformedJsonIsABadRequest()
    {
        using var response = await PostAsync("[{\"event\": \"bounce\",");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The body is not valid JSON.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ABatchWithOneEventMissingItsIdAppliesNothing()
    {
        var person = await app.AddPersonAsync();
        var incomplete = Event("spamreport", person.Email!);
        ((Dictionary<string, object?>)incomplete).Remove("sg_event_id");

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!), incomplete }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sg_event_id", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.EventsAsync(person.Email!));
        Assert.False((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    private async Task AssertNoFieldChangedAsync(BounceAdmin.Data.Entities.Person before)
    {
        var after = await app.ReloadAsync(before.Id);
        Assert.Equal((false, (DateTime?)null, (string?)null, false, (string?)null, false),
            (after.EmailSuspended, after.EmailSuspendedAt, after.EmailSuspendedCause, after.EmailInvalid, after.EmailInvalidCause, after.Unsubscribed));
        Assert.Empty(await app.AuditAsync(before.Id));
    }

    /// <summary>Issue 14.1: the issue's own payload — a deferred "421-4.7.0 … temporarily rate limited" was spamdetected category 1.</summary>
    [Theory]
    [InlineData("421-4.7.0 [203.0.113.5] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.")]
    [InlineData("Message rejected: spam content detected, blocked by policy")]
    public async Task ADeferredEventIsTemporaryAndChangesNoField(string response)
    {
        var person = await app.AddPersonAsync();
        var deferred = new Dictionary<string, object?>
        {
            ["email"] = person.Email, ["timestamp"] = 1764237600, ["event"] = "deferred", ["sg_event_id"] = Guid.NewGuid().ToString("N"),
            ["response"] = response, ["attempt"] = "1",
        };

        using var answer = await PostAsync(JsonSerializer.Serialize(new[] { deferred }));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(answer)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.False(evt.Permanent);
        Assert.Contains(evt.Category, new int?[] { 3, 4 });
        await AssertNoFieldChangedAsync(person);
    }

    [Fact]
    public async Task ABounceIsPermanentUnlessItsStatusIsTemporary()
    {
        var hard = await app.AddPersonAsync();
        var soft = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[]
        {
            Bounce(hard.Email!, type: "blocked", status: "5.7.1", reason: "554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"),
            Bounce(soft.Email!, status: "4.1.1", reason: "450 4.1.1 User unknown, try again later"),
        }));

        Assert.Equal(2, (await WebhookAssertions.SummaryAsync(response)).Applied);
        Assert.True(Assert.Single(await app.EventsAsync(hard.Email!)).Permanent);
        Assert.True((await app.ReloadAsync(hard.Id)).EmailSuspended);
        Assert.False(Assert.Single(await app.EventsAsync(soft.Email!)).Permanent);
        await AssertNoFieldChangedAsync(soft);
    }
}
