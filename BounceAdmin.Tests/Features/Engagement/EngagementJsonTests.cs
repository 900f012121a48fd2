using System.Text;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Engagement;

namespace BounceAdmin.Tests.Features.Engagement;

/// <summary>The JSON bodies: field names of issue 12 point 5, offsets required, malformed JSON and limits named by item.</summary>
public sealed class EngagementJsonTests
{
    private static byte[] B(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void Reads_sends_with_the_issue_field_names()
    {
        var (sends, createPeople) = EngagementJson.ReadSends(B("""
            {"createPeople": true, "sends": [{"emailName": "Welcome", "program": "Onboarding", "recipient": "ann@example.com",
              "sentAt": "2026-11-18T09:00:00+01:00", "externalId": "s-1", "messageId": "<m@x>"}]}
            """));

        Assert.True(createPeople);
        var s = Assert.Single(sends);
        Assert.Equal(("Welcome", "Onboarding", "ann@example.com", "s-1", "<m@x>"), (s.EmailName, s.Program, s.Recipient, s.ExternalId, s.MessageId));
        Assert.Equal(new DateTime(2026, 11, 18, 8, 0, 0), s.SentAt.UtcDateTime);
    }

    [Fact]
    public void A_bare_array_is_a_batch_of_sends()
    {
        var (sends, createPeople) = EngagementJson.ReadSends(B("""[{"emailName":"W","recipient":"a@b.c","sentAt":"2026-11-18T09:00:00Z","externalId":"1"}]"""));

        Assert.Single(sends);
        Assert.False(createPeople);
    }

    [Theory]
    [InlineData("2026-11-18T09:00:00")]
    [InlineData("2026-11-18")]
    [InlineData("18/11/2026 09:00 +01:00")]
    [InlineData("yesterday")]
    public void A_sent_time_without_an_offset_is_refused_naming_the_item(string sentAt)
    {
        var ex = Assert.Throws<BatchRejectedException>(() => EngagementJson.ReadSends(B($$"""
            {"sends": [{"emailName":"W","recipient":"a@b.c","sentAt":"2026-11-18T09:00:00Z","externalId":"1"},
                       {"emailName":"W","recipient":"a@b.c","sentAt":"{{sentAt}}","externalId":"2"}]}
            """)));

        var error = Assert.Single(ex.Errors);
        Assert.Equal((1, "sentAt"), (error.Index, error.Field));
        Assert.Contains("offset", error.Message);
    }

    [Theory]
    [InlineData("""{"sends": [{"emailName": "W", "recipient": }]}""")]
    [InlineData("""{"sends": [{"emailName": "W"}, {"sentAt": 12}]}""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Malformed_json_is_refused_with_a_clear_message(string body)
    {
        var ex = Assert.Throws<BatchRejectedException>(() => EngagementJson.ReadSends(B(body)));

        Assert.Contains("not valid JSON", ex.Message);
        Assert.DoesNotContain("System.", ex.Message);
    }

    [Fact]
    public void Malformed_json_inside_an_item_names_that_item()
    {
        var ex = Assert.Throws<BatchRejectedException>(() => EngagementJson.ReadSends(B("""{"sends": [{"emailName": "W"}, {"sentAt": 12}]}""")));

        Assert.Equal(1, Assert.Single(ex.Errors).Index);
    }

    [Fact]
    public void More_than_ten_thousand_items_is_too_large()
    {
        var item = """{"emailName":"W","recipient":"a@b.c","sentAt":"2026-11-18T09:00:00Z","externalId":"1"}""";
        var body = "[" + string.Join(",", Enumerable.Repeat(item, EngagementLimits.MaxBatch + 1)) + "]";

        Assert.Throws<BatchTooLargeException>(() => EngagementJson.ReadSends(B(body)));
        Assert.Single(EngagementJson.ReadSends(B("[" + item + "]")).Sends);
    }

    [Fact]
    public void Reads_events_with_the_issue_field_names()
    {
        var events = EngagementJson.ReadEvents(B("""
            {"events": [{"type": "opened", "externalSendId": "s-1", "occurredAt": "2026-11-18T09:05:00Z"},
                        {"type": "Clicked", "messageId": "<m@x>", "occurredAt": "2026-11-18T09:06:00Z", "externalId": "e-9"},
                        {"type": "unsubscribed", "emailName": "W", "recipient": "a@b.c", "occurredAt": "2026-11-18T10:00:00-05:00"},
                        {"type": "delivered", "sendId": 42, "occurredAt": "2026-11-18T09:01:00Z"}]}
            """));

        Assert.Equal([EmailEventType.Opened, EmailEventType.Clicked, EmailEventType.Unsubscribed, EmailEventType.Delivered], events.Select(e => e.Type));
        Assert.Equal("s-1", events[0].ExternalSendId);
        Assert.Equal("api:e-9", events[1].DedupKey);
        Assert.Equal(new DateTime(2026, 11, 18, 15, 0, 0), events[2].OccurredAt.UtcDateTime);
        Assert.Equal(42, events[3].SendId);
    }

    [Fact]
    public void An_unknown_event_type_or_missing_offset_names_the_item_and_field()
    {
        var ex = Assert.Throws<BatchRejectedException>(() => EngagementJson.ReadEvents(B("""
            [{"type": "bounced", "externalSendId": "s-1", "occurredAt": "2026-11-18T09:05:00Z"},
             {"type": "opened", "externalSendId": "s-1", "occurredAt": "2026-11-18T09:05:00"}]
            """)));

        Assert.Equal([(0, "type"), (1, "occurredAt")], ex.Errors.Select(e => (e.Index, e.Field)));
    }
}
