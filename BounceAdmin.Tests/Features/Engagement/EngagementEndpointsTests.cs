using System.Net;
using System.Text;
using System.Text.Json;
using BounceAdmin.Data;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Tests.Features.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Engagement;

/// <summary>POST /api/v1/sends and /api/v1/events over HTTP with real API keys: scopes, limits, bad input, idempotency.</summary>
[Collection(ApiCollection.Name)]
public sealed class EngagementEndpointsTests(ApiTestFactory app)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string SendsBody(string email, params (string Recipient, string ExternalId)[] sends)
        => JsonSerializer.Serialize(new
        {
            sends = sends.Select(s => new
            {
                emailName = email, program = "API tests", recipient = s.Recipient, sentAt = "2026-11-27T09:00:00+01:00",
                externalId = s.ExternalId, messageId = $"<{s.ExternalId}@mta.example>",
            }),
        });

    private async Task<string> KeyAsync(params string[] scopes) => (await app.CreateKeyAsync(scopes)).Key;

    private async Task<AppDbContext> DbAsync() => await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task Posted_sends_are_stored_once_and_a_resend_is_reported_as_duplicates()
    {
        var person = await app.AddPersonAsync($"api-{Guid.NewGuid():N}@example.com");
        var email = "API email " + Guid.NewGuid().ToString("N");
        var (x1, x2) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        using var client = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));
        var body = SendsBody(email, (person.Email!, x1), (person.Email!, x2));

        using var first = await client.PostAsync("/api/v1/sends", Json(body));
        using var second = await client.PostAsync("/api/v1/sends", Json(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var a = await BodyAsync(first);
        var b = await BodyAsync(second);
        Assert.Equal((2, 0, 1), (a.GetProperty("created").GetInt32(), a.GetProperty("duplicates").GetInt32(), a.GetProperty("emailsCreated").GetInt32()));
        Assert.Equal((0, 2), (b.GetProperty("created").GetInt32(), b.GetProperty("duplicates").GetInt32()));
        Assert.Equal("duplicate", b.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(a.GetProperty("items")[1].GetProperty("sendId").GetInt64(), b.GetProperty("items")[1].GetProperty("sendId").GetInt64());
        await using var db = await DbAsync();
        Assert.Equal(2, await db.Sends.CountAsync(s => s.PersonId == person.Id));
    }

    [Fact]
    public async Task Unknown_recipients_are_reported_per_item()
    {
        var person = await app.AddPersonAsync($"api-{Guid.NewGuid():N}@example.com");
        var stranger = $"stranger-{Guid.NewGuid():N}@example.com";
        using var client = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));

        using var response = await client.PostAsync("/api/v1/sends",
            Json(SendsBody("API email " + Guid.NewGuid().ToString("N"), (person.Email!, Guid.NewGuid().ToString("N")), (stranger, Guid.NewGuid().ToString("N")))));

        var items = (await BodyAsync(response)).GetProperty("items");
        Assert.Equal(["created", "unknownRecipient"], items.EnumerateArray().Select(i => i.GetProperty("status").GetString()));
        await using var db = await DbAsync();
        Assert.False(await db.People.AnyAsync(p => p.EmailNormalized == stranger));
    }

    [Fact]
    public async Task Creating_people_needs_people_write_as_well()
    {
        var stranger = $"stranger-{Guid.NewGuid():N}@example.com";
        var body = SendsBody("API email " + Guid.NewGuid().ToString("N"), (stranger, Guid.NewGuid().ToString("N"))).Replace("{\"sends\"", "{\"createPeople\":true,\"sends\"");
        using var eventsOnly = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));
        using var both = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite, ApiScopes.PeopleWrite));

        using var refused = await eventsOnly.PostAsync("/api/v1/sends", Json(body));
        using var accepted = await both.PostAsync("/api/v1/sends", Json(body));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, (await BodyAsync(accepted)).GetProperty("peopleCreated").GetInt32());
    }

    [Theory]
    [InlineData("/api/v1/sends")]
    [InlineData("/api/v1/events")]
    public async Task Without_a_key_401_and_without_events_write_403(string url)
    {
        using var anonymous = app.ApiClient(null);
        using var reader = app.ApiClient(await KeyAsync(ApiScopes.MailabilityRead));
        using var people = app.ApiClient(await KeyAsync(ApiScopes.PeopleWrite));

        using var noKey = await anonymous.PostAsync(url, Json("[]"));
        using var wrongScope = await reader.PostAsync(url, Json("[]"));
        using var peopleOnly = await people.PostAsync(url, Json("[]"));
        using var badKey = await app.ApiClient("ba_nope_nope").PostAsync(url, Json("[]"));

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, peopleOnly.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/sends")]
    [InlineData("/api/v1/events")]
    public async Task More_than_ten_thousand_items_is_413_and_nothing_is_stored(string url)
    {
        var item = url.EndsWith("sends", StringComparison.Ordinal)
            ? """{"emailName":"W","program":"P","recipient":"a@b.c","sentAt":"2026-11-27T09:00:00Z","externalId":"big-1"}"""
            : """{"type":"opened","externalSendId":"big-1","occurredAt":"2026-11-27T09:00:00Z"}""";
        using var client = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));

        using var response = await client.PostAsync(url, Json("[" + string.Join(",", Enumerable.Repeat(item, EngagementLimits.MaxBatch + 1)) + "]"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("10,000", (await BodyAsync(response)).GetProperty("detail").GetString());
        await using var db = await DbAsync();
        Assert.False(await db.Sends.AnyAsync(s => s.ExternalId == "big-1"));
    }

    [Fact]
    public async Task Malformed_json_is_400_with_a_problem_body()
    {
        using var client = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));

        using var response = await client.PostAsync("/api/v1/sends", Json("""{"sends": [{"emailName": "W", """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid JSON", (await BodyAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_time_without_an_offset_or_an_unknown_email_is_400_naming_the_item_and_nothing_is_stored()
    {
        var person = await app.AddPersonAsync($"api-{Guid.NewGuid():N}@example.com");
        var x = Guid.NewGuid().ToString("N");
        using var client = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));
        var noOffset = JsonSerializer.Serialize(new object[]
        {
            new { emailName = "W", program = "P", recipient = person.Email, sentAt = "2026-11-27T09:00:00Z", externalId = x },
            new { emailName = "W", program = "P", recipient = person.Email, sentAt = "2026-11-27T09:00:00", externalId = x + "b" },
        });
        var unknownEmail = JsonSerializer.Serialize(new object[]
        {
            new { emailName = "W", program = "P", recipient = person.Email, sentAt = "2026-11-27T09:00:00Z", externalId = x },
            new { emailExternalId = "no-such-" + x, recipient = person.Email, sentAt = "2026-11-27T09:00:00Z", externalId = x + "c" },
        });

        using var first = await client.PostAsync("/api/v1/sends", Json(noOffset));
        using var second = await client.PostAsync("/api/v1/sends", Json(unknownEmail));

        foreach (var (response, field) in new[] { (first, "sentAt"), (second, "emailExternalId") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = Assert.Single((await BodyAsync(response)).GetProperty("errors").EnumerateArray());
            Assert.Equal((1, field), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        }

        await using var db = await DbAsync();
        Assert.False(await db.Sends.AnyAsync(s => s.PersonId == person.Id));
    }

    [Fact]
    public async Task Posted_events_are_recorded_once_and_an_unsubscribe_is_audited_with_the_keys_name()
    {
        var person = await app.AddPersonAsync($"api-{Guid.NewGuid():N}@example.com");
        var x = Guid.NewGuid().ToString("N");
        var created = await app.CreateKeyAsync(ApiScopes.EventsWrite);
        using var client = app.ApiClient(created.Key);
        (await client.PostAsync("/api/v1/sends", Json(SendsBody("API email " + x, (person.Email!, x))))).Dispose();
        var events = JsonSerializer.Serialize(new
        {
            events = new object[]
            {
                new { type = "delivered", externalSendId = x, occurredAt = "2026-11-27T08:01:00Z" },
                new { type = "opened", messageId = $"<{x}@mta.example>", occurredAt = "2026-11-27T08:05:00Z" },
                new { type = "unsubscribed", externalSendId = x, occurredAt = "2026-11-27T08:30:00Z", externalId = "u-" + x },
                new { type = "clicked", externalSendId = "unknown-" + x, occurredAt = "2026-11-27T08:06:00Z" },
            },
        });

        using var first = await client.PostAsync("/api/v1/events", Json(events));
        using var again = await client.PostAsync("/api/v1/events", Json(events));

        var a = await BodyAsync(first);
        var b = await BodyAsync(again);
        Assert.Equal((3, 0, 1, 1), (a.GetProperty("recorded").GetInt32(), a.GetProperty("duplicates").GetInt32(),
            a.GetProperty("unmatched").GetInt32(), a.GetProperty("unsubscribed").GetInt32()));
        Assert.Equal((0, 3, 1, 0), (b.GetProperty("recorded").GetInt32(), b.GetProperty("duplicates").GetInt32(),
            b.GetProperty("unmatched").GetInt32(), b.GetProperty("unsubscribed").GetInt32()));
        await using var db = await DbAsync();
        Assert.True((await db.People.SingleAsync(p => p.Id == person.Id)).Unsubscribed);
        var audit = await db.AuditEntries.SingleAsync(e => e.PersonId == person.Id);
        Assert.Equal(ApiCaller.NamePrefix + created.Row.Name, audit.Actor);
        Assert.Equal(3, await db.EmailEvents.CountAsync(e => e.PersonId == person.Id));
    }

    [Fact]
    public async Task A_bounce_through_the_generic_webhook_is_matched_to_the_send_posted_through_the_api()
    {
        var person = await app.AddPersonAsync($"api-{Guid.NewGuid():N}@example.com");
        var x = Guid.NewGuid().ToString("N");
        using var client = app.ApiClient(await KeyAsync(ApiScopes.EventsWrite));
        using var posted = await client.PostAsync("/api/v1/sends", Json(SendsBody("API email " + x, (person.Email!, x))));
        var sendId = (await BodyAsync(posted)).GetProperty("items")[0].GetProperty("sendId").GetInt64();
        using var webhook = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic")
        {
            Content = Json(JsonSerializer.Serialize(new[]
            {
                new { id = "mta-" + x, recipient = person.Email, occurredAt = "2026-11-27T08:10:00Z", status = "5.1.1", replyCode = 550,
                    action = "failed", diagnostic = "550 5.1.1 user unknown", messageId = $"<{x}@mta.example>" },
            })),
        };
        request.Headers.Authorization = new("Bearer", "demo-generic-token");

        using var response = await webhook.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await DbAsync();
        var bounce = await db.BounceEvents.SingleAsync(b => b.PersonId == person.Id);
        Assert.Equal((sendId, BounceAdmin.Data.Entities.BounceOutcome.Applied), (bounce.SendId!.Value, bounce.Outcome));
        var send = await db.Sends.SingleAsync(s => s.Id == sendId);
        Assert.Equal((int)BounceAdmin.Data.Entities.SendReportFlags.HardBounced, send.ReportFlags);
        Assert.True((await db.People.SingleAsync(p => p.Id == person.Id)).EmailInvalid);
    }
}
