using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>POST /api/webhooks/postmark: HTTP Basic credentials from the webhook URL, bounce and spam-complaint records.</summary>
[Collection(WebhookCollection.Name)]
public sealed class PostmarkWebhookTests(WebhookTestApp app)
{
    private const string Url = "/api/webhooks/postmark";

    private static Dictionary<string, object?> Record(string email, string type = "HardBounce", string recordType = "Bounce", long? id = null,
        string? details = "smtp;550 5.1.1 The email account that you tried to reach does not exist.")
        => new()
        {
            ["RecordType"] = recordType, ["ID"] = id ?? Random.Shared.NextInt64(1, long.MaxValue), ["Type"] = type, ["TypeCode"] = 1,
            ["MessageID"] = "883953f4-6105-42a2-a16a-77a8eac79483", ["Email"] = email, ["BouncedAt"] = "2026-11-27T16:33:54.9070259Z",
            ["Details"] = details, ["Description"] = "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
            ["Inactive"] = true, ["CanActivate"] = true,
        };

    private async Task<HttpResponseMessage> PostAsync(object record, string? user = WebhookTestApp.PostmarkUser,
        string password = WebhookTestApp.PostmarkPassword, string? rawBody = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new StringContent(rawBody ?? JsonSerializer.Serialize(record), Encoding.UTF8, "application/json"),
        };
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task AHardBounceWithTheRightCredentialsMakesTheAddressInvalid()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Record(person.Email!));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.EmailInvalid);
        Assert.StartsWith("550 5.1.1", reloaded.EmailInvalidCause);
        Assert.Contains(await app.AuditAsync(person.Id), a => a.Field == "Email Invalid" && a.Reason.Contains("webhook:postmark"));
    }

    [Fact]
    public async Task ARetryIsADuplicate()
    {
        var person = await app.AddPersonAsync();
        var record = Record(person.Email!);
        (await PostAsync(record)).Dispose();

        using var response = await PostAsync(record);

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Duplicates);
        Assert.Single(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AManuallyDeactivatedAddressIsSuppressed()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Record(person.Email!, type: "ManuallyDeactivated", details: "Manually deactivated"));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("suppressed", "postmark:manually-deactivated"), (evt.Reason, evt.Rule));
    }

    [Fact]
    public async Task TheGenericDescriptionIsNeverClassified()
    {
        // A soft bounce with no details: Postmark's Description of the type says "unknown user" but the address is not judged by it.
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Record(person.Email!, type: "SoftBounce", details: null));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        Assert.NotEqual("userunknown", Assert.Single(await app.EventsAsync(person.Email!)).Reason);
        Assert.False((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task ASpamComplaintUnsubscribes()
    {
        var person = await app.AddPersonAsync();
        await app.AddRecentSendAsync(person); // issue 14: a complaint about a send of ours

        using var response = await PostAsync(Record(person.Email!, type: "SpamComplaint", recordType: "SpamComplaint", details: null));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).NotBounces);
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.Unsubscribed);
        Assert.False(reloaded.EmailInvalid);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedAndChangesNothing()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Record(person.Email!), password: "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
        Assert.False((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task MissingCredentialsAreRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Record(person.Email!), user: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequest()
    {
        using var response = await PostAsync(new { }, rawBody: "{\"RecordType\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ABounceWithoutBouncedAtIsABadRequest()
    {
        var person = await app.AddPersonAsync();
        var record = Record(person.Email!);
        record.Remove("BouncedAt");

        using var response = await PostAsync(record);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("BouncedAt", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    private async Task AssertNoFieldChangedAsync(BounceAdmin.Data.Entities.Person before)
    {
        var after = await app.ReloadAsync(before.Id);
        Assert.Equal((false, (DateTime?)null, (string?)null, false, (string?)null, false),
            (after.EmailSuspended, after.EmailSuspendedAt, after.EmailSuspendedCause, after.EmailInvalid, after.EmailInvalidCause, after.Unsubscribed));
        Assert.Empty(await app.AuditAsync(before.Id));
    }

    /// <summary>Issue 14.1: SoftBounce "421 4.7.0" and Transient "451 4.7.1 Greylisting" were securityerror category 1; DnsError and a code-less SoftBounce too.</summary>
    [Theory]
    [InlineData("SoftBounce", "smtp;421 4.7.0 Try again later, closing connection.")]
    [InlineData("Transient", "smtp;451 4.7.1 Greylisting in action, please come back later")]
    [InlineData("SoftBounce", "Message rejected: blocked as spam by policy")]
    [InlineData("DnsError", "Domain lookup failed: blocked by policy")]
    public async Task ATemporaryTypeIsTemporaryAndChangesNoField(string type, string details)
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Record(person.Email!, type: type, details: details));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.False(evt.Permanent);
        Assert.Contains(evt.Category, new int?[] { 3, 4 });
        await AssertNoFieldChangedAsync(person);
    }
}
