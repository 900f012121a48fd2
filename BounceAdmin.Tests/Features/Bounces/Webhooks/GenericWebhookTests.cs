using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>POST /api/webhooks/generic: the documented JSON schema for custom MTAs, with a bearer token.</summary>
[Collection(WebhookCollection.Name)]
public sealed class GenericWebhookTests(WebhookTestApp app)
{
    private const string Url = "/api/webhooks/generic";

    private static Dictionary<string, object?> Bounce(string recipient, string? id = null, string? kind = null)
        => new()
        {
            ["id"] = id ?? Guid.NewGuid().ToString("N"), ["recipient"] = recipient, ["occurredAt"] = "2026-11-27T10:00:00Z", ["status"] = "5.7.1",
            ["replyCode"] = 554, ["diagnostic"] = "554 5.7.1 Message rejected as spam by Content Filtering.", ["remoteMta"] = "mx1.example.com",
            ["action"] = "failed", ["messageId"] = "<orig-gen@shop.example>", ["kind"] = kind,
        };

    private async Task<HttpResponseMessage> PostAsync(string body, string? token = WebhookTestApp.GenericToken)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task ABlockBounceSuspendsWithAnAuditEntry()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.EmailSuspended);
        Assert.Equal(new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc), reloaded.EmailSuspendedAt);
        Assert.Contains(await app.AuditAsync(person.Id), a => a.Field == "Email Suspended" && a.Reason.Contains("webhook:generic"));
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("spamdetected", "mx1.example.com", "orig-gen@shop.example"), (evt.Reason, evt.RemoteMta, evt.OriginalMessageId));
        Assert.NotNull(evt.RuleExplanation);
    }

    [Fact]
    public async Task ARetryIsADuplicate()
    {
        var person = await app.AddPersonAsync();
        var body = JsonSerializer.Serialize(new[] { Bounce(person.Email!) });
        (await PostAsync(body)).Dispose();
        var auditBefore = (await app.AuditAsync(person.Id)).Count;

        using var response = await PostAsync(body);

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Duplicates);
        Assert.Equal(auditBefore, (await app.AuditAsync(person.Id)).Count);
    }

    [Fact]
    public async Task AComplaintUnsubscribesAndAnUnknownRecipientIsUnmatched()
    {
        var person = await app.AddPersonAsync();
        await app.AddRecentSendAsync(person); // issue 14: a complaint about a send of ours
        var events = new[] { Bounce(person.Email!, kind: "complaint"), Bounce($"ghost-{Guid.NewGuid():N}@example.com") };

        using var response = await PostAsync(JsonSerializer.Serialize(events));

        var summary = await WebhookAssertions.SummaryAsync(response);
        Assert.Equal((1, 1, 0), (summary.NotBounces, summary.Unmatched, summary.Applied));
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.Unsubscribed);
        Assert.False(reloaded.EmailSuspended);
    }

    [Fact]
    public async Task AWrongTokenIsRefusedAndChangesNothing()
    {
        var person = await app.AddPersonAsync();

        var wrong = "wrong-" + Guid.NewGuid().ToString("N");

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }), token: wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized.", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.EventsAsync(person.Email!));
        // The operator learns why, the log never holds either token.
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("webhook:generic") && e.Message.Contains("bearer token"));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains(wrong) || e.Message.Contains(WebhookTestApp.GenericToken));
    }

    [Fact]
    public async Task AMissingTokenIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!) }), token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequestWithoutAStackTrace()
    {
        using var response = await PostAsync("[{\"id\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(" at ", text);
        Assert.True(text.Length < 200);
    }

    [Fact]
    public async Task OneBadEventRefusesTheWholeRequest()
    {
        var person = await app.AddPersonAsync();
        var bad = Bounce(person.Email!);
        bad.Remove("occurredAt");

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!), bad }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Event 1: 'occurredAt' is required and must be a value.", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.EventsAsync(person.Email!));
        Assert.False((await app.ReloadAsync(person.Id)).EmailSuspended);
    }

    [Fact]
    public async Task AnUnknownKindIsABadRequest()
    {
        var person = await app.AddPersonAsync();

        // "open", "click" and "unsubscribe" are engagement kinds now (WebhookEngagementTests); any other word is refused.
        using var response = await PostAsync(JsonSerializer.Serialize(new[] { Bounce(person.Email!, kind: "opened-maybe") }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task ABodyOverTheLimitIsTooLarge()
    {
        var person = await app.AddPersonAsync();
        var big = Bounce(person.Email!);
        big["diagnostic"] = new string('x', WebhookTestApp.MaxBodyBytes);

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { big }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    private async Task AssertNoFieldChangedAsync(BounceAdmin.Data.Entities.Person before)
    {
        var after = await app.ReloadAsync(before.Id);
        Assert.Equal((false, (DateTime?)null, (string?)null, false, (string?)null, false),
            (after.EmailSuspended, after.EmailSuspendedAt, after.EmailSuspendedCause, after.EmailInvalid, after.EmailInvalidCause, after.Unsubscribed));
        Assert.Empty(await app.AuditAsync(before.Id));
    }

    /// <summary>Issue 14.1: the documented "permanent": false makes a spam refusal temporary; a 4.x.x status does the same without it.</summary>
    [Theory]
    [InlineData(false, "5.7.1", 554)]
    [InlineData(null, "4.7.1", 451)]
    public async Task ATemporaryBounceChangesNoField(bool? permanent, string status, int replyCode)
    {
        var person = await app.AddPersonAsync();
        var bounce = Bounce(person.Email!);
        bounce["status"] = status;
        bounce["replyCode"] = replyCode;
        bounce["action"] = null;
        if (permanent is not null)
        {
            bounce["permanent"] = permanent;
        }

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { bounce }));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.False(evt.Permanent);
        Assert.Equal(4, evt.Category);
        await AssertNoFieldChangedAsync(person);
    }

    [Fact]
    public async Task APermanentThatIsNotABooleanIsRefused()
    {
        var person = await app.AddPersonAsync();
        var bounce = Bounce(person.Email!);
        bounce["permanent"] = "yes";

        using var response = await PostAsync(JsonSerializer.Serialize(new[] { bounce }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("permanent", await response.Content.ReadAsStringAsync());
    }
}
