using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces.Webhooks;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>
/// The provider webhooks record deliveries, opens, clicks and unsubscribes as engagement of the matched send (they were
/// ignored before): end to end through the generic and Postmark endpoints, and each provider's body read directly.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookEngagementTests(WebhookTestApp app)
{
    private async Task<(Person Person, long SendId, string MessageId)> SendAsync()
    {
        var person = await app.AddPersonAsync("eng");
        var messageId = $"{Guid.NewGuid():N}@shop.example";
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SendsService>().RecordAsync(FixedCurrentUser.For("test", Roles.Admin),
            [new SendRecord("Webhook engagement", null, "Webhook tests", person.Email!, new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero),
                Guid.NewGuid().ToString("N"), $"<{messageId}>")], false);
        return (person, result.Items[0].SendId!.Value, messageId);
    }

    private async Task<(List<EmailEvent> Events, int Flags)> EngagementAsync(long sendId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var events = await db.EmailEvents.AsNoTracking().Where(e => e.SendId == sendId).OrderBy(e => e.Type).ToListAsync();
        return (events, (await db.Sends.SingleAsync(s => s.Id == sendId)).ReportFlags);
    }

    private async Task<JsonElement> PostGenericAsync(object body)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WebhookTestApp.GenericToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task The_generic_webhook_records_delivery_open_click_and_unsubscribe_on_the_send_once()
    {
        var (person, sendId, messageId) = await SendAsync();
        object Item(string kind, string minute, bool bySendId) => bySendId
            ? new { id = $"{kind}-{sendId}", kind, recipient = person.Email, occurredAt = $"2026-11-27T09:{minute}:00Z", sendId }
            : new { id = $"{kind}-{sendId}", kind, recipient = person.Email, occurredAt = $"2026-11-27T09:{minute}:00Z", messageId = $"<{messageId}>" };
        var body = new[] { Item("delivery", "01", true), Item("open", "05", false), Item("click", "06", true), Item("unsubscribe", "30", false) };

        var summary = await PostGenericAsync(body);
        var retry = await PostGenericAsync(body);

        Assert.Equal((4, 0), (summary.GetProperty("engagement").GetInt32(), summary.GetProperty("ignored").GetInt32()));
        Assert.False(summary.TryGetProperty("engagementUnmatched", out _));
        Assert.Equal(4, retry.GetProperty("engagement").GetInt32());
        var (events, flags) = await EngagementAsync(sendId);
        Assert.Equal([EmailEventType.Delivered, EmailEventType.Opened, EmailEventType.Clicked, EmailEventType.Unsubscribed], events.Select(e => e.Type));
        Assert.Equal((int)(SendReportFlags.Delivered | SendReportFlags.Opened | SendReportFlags.Clicked | SendReportFlags.Unsubscribed), flags);
        Assert.True((await app.ReloadAsync(person.Id)).Unsubscribed);
        var audit = Assert.Single(await app.AuditAsync(person.Id));
        Assert.Equal(("Unsubscribed", "webhook:generic"), (audit.Field, audit.Actor));
    }

    [Fact]
    public async Task Engagement_of_an_unknown_send_is_counted_unmatched_and_not_stored()
    {
        var summary = await PostGenericAsync(new[]
        {
            new { id = Guid.NewGuid().ToString("N"), kind = "open", recipient = "x@example.com", occurredAt = "2026-11-27T09:05:00Z", messageId = "<nobody@nowhere>" },
        });

        Assert.False(summary.TryGetProperty("engagement", out _));
        Assert.Equal(1, summary.GetProperty("engagementUnmatched").GetInt32());
    }

    [Fact]
    public async Task Postmark_open_and_click_records_are_engagement_of_the_send_named_by_metadata()
    {
        var (_, sendId, _) = await SendAsync();
        using var client = app.CreateClient();
        foreach (var record in new object[]
        {
            new { RecordType = "Open", MessageID = Guid.NewGuid().ToString(), Recipient = "r@example.com", ReceivedAt = "2026-11-27T09:10:00Z",
                Metadata = new Dictionary<string, string> { ["bounceadmin_send"] = sendId.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            new { RecordType = "Click", MessageID = Guid.NewGuid().ToString(), Recipient = "r@example.com", ReceivedAt = "2026-11-27T09:11:00Z",
                Metadata = new Dictionary<string, string> { ["bounceadmin_send"] = sendId.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/postmark")
            {
                Content = new StringContent(JsonSerializer.Serialize(record), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{WebhookTestApp.PostmarkUser}:{WebhookTestApp.PostmarkPassword}")));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (events, flags) = await EngagementAsync(sendId);
        Assert.Equal([EmailEventType.Opened, EmailEventType.Clicked], events.Select(e => e.Type));
        Assert.Equal((int)(SendReportFlags.Opened | SendReportFlags.Clicked), flags);
    }

    [Fact]
    public void SendGrid_opens_clicks_and_unsubscribes_are_read_with_their_send_and_event_id()
    {
        var body = Encoding.UTF8.GetBytes("""
            [{"event":"open","email":"a@example.com","timestamp":1764234000,"sg_event_id":"e1","bounceadmin_send":"17"},
             {"event":"click","email":"a@example.com","timestamp":1764234060,"sg_event_id":"e2","smtp-id":"<m@x>"},
             {"event":"group_unsubscribe","email":"a@example.com","timestamp":1764234120,"sg_event_id":"e3","bounceadmin_send":"17"},
             {"event":"processed","email":"a@example.com","timestamp":1764234000,"sg_event_id":"e4","bounceadmin_send":"17"},
             {"event":"open","email":"a@example.com","timestamp":1764234000,"sg_event_id":"e5"}]
            """);

        var events = WebhookEngagement.Read("sendgrid", body);

        Assert.Equal([EmailEventType.Opened, EmailEventType.Clicked, EmailEventType.Unsubscribed], events.Select(e => e.Type));
        Assert.Equal([17L, null, 17L], events.Select(e => e.SendId));
        Assert.Equal("<m@x>", events[1].MessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764234060), events[1].OccurredAt);
        Assert.Equal(3, events.Select(e => e.DedupKey).Distinct().Count());
    }

    [Fact]
    public void Mailgun_and_ses_engagement_is_read_from_their_own_shapes()
    {
        var mailgun = Encoding.UTF8.GetBytes("""
            {"signature":{},"event-data":{"event":"opened","id":"mg-1","timestamp":1764234000.5,"recipient":"a@example.com",
              "message":{"headers":{"message-id":"mg-msg@x"}},"user-variables":{"bounceadmin_send":"9"}}}
            """);
        var sesEvent = JsonSerializer.Serialize(new
        {
            eventType = "Click",
            mail = new { messageId = "ses-1", headers = new[] { new { name = "X-BounceAdmin-Send", value = "21" } } },
            click = new { timestamp = "2026-11-27T09:06:00.000Z", link = "https://shop.example" },
        });
        var ses = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { Type = "Notification", MessageId = "sns-1", Message = sesEvent }));

        var fromMailgun = Assert.Single(WebhookEngagement.Read("mailgun", mailgun));
        var fromSes = Assert.Single(WebhookEngagement.Read("ses", ses));

        Assert.Equal((EmailEventType.Opened, 9L, "mg-msg@x"), (fromMailgun.Type, fromMailgun.SendId, fromMailgun.MessageId));
        Assert.Equal((EmailEventType.Clicked, 21L), (fromSes.Type, fromSes.SendId));
        Assert.Equal(new DateTime(2026, 11, 27, 9, 6, 0), fromSes.OccurredAt.UtcDateTime);
    }

    [Fact]
    public void An_unreadable_body_gives_no_engagement_rather_than_an_error()
    {
        Assert.Empty(WebhookEngagement.Read("sendgrid", Encoding.UTF8.GetBytes("{not json")));
        Assert.Empty(WebhookEngagement.Read("ses", Encoding.UTF8.GetBytes("""{"Type":"Notification","Message":"not json"}""")));
        Assert.Empty(WebhookEngagement.Read("sendgrid", Encoding.UTF8.GetBytes("""[{"event":"open","timestamp":"soon","sg_event_id":"x","bounceadmin_send":"1"}]""")));
    }
}
