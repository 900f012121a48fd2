using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BounceAdmin.Data;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>POST /api/webhooks/ses: SNS-signed SES notifications applied under the bounce rules.</summary>
[Collection(WebhookCollection.Name)]
public sealed class SesWebhookTests(WebhookTestApp app)
{
    private const string Url = "/api/webhooks/ses";

    private static string BounceEvent(string recipient, string feedbackId, string bounceType = "Permanent", string subType = "General",
        string? status = "5.1.1", string? diagnostic = "smtp; 550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual mailbox table")
        => JsonSerializer.Serialize(new
        {
            notificationType = "Bounce",
            bounce = new
            {
                bounceType, bounceSubType = subType, feedbackId, timestamp = "2026-11-27T10:00:00.000Z", reportingMTA = "dsn; a8-70.smtp-out.amazonses.com",
                bouncedRecipients = new[] { new { emailAddress = recipient, action = "failed", status, diagnosticCode = diagnostic } },
            },
            mail = new
            {
                timestamp = "2026-11-27T09:59:58.000Z", messageId = "0102-ses-id", source = "news@shop.example",
                headers = new[] { new { name = "Message-ID", value = "<orig-1@shop.example>" }, new { name = "X-BounceAdmin-Send", value = "999999" } },
            },
        });

    /// <summary>The SNS envelope, signed with <paramref name="key"/> over the canonical string (written out here, independently of the app).</summary>
    private string Sns(string message, string type = "Notification", RSA? key = null, string version = "2", string certUrl = WebhookTestApp.CertUrl,
        string topic = WebhookTestApp.TopicArn, string? subscribeUrl = null, string? messageId = null)
    {
        messageId ??= Guid.NewGuid().ToString();
        const string timestamp = "2026-11-27T10:00:01.000Z";
        const string token = "2336412f37fb687f5d51e6e2425c464de12884c0";
        subscribeUrl ??= $"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={topic}&Token={token}";
        var canonical = type == "Notification"
            ? $"Message\n{message}\nMessageId\n{messageId}\nTimestamp\n{timestamp}\nTopicArn\n{topic}\nType\n{type}\n"
            : $"Message\n{message}\nMessageId\n{messageId}\nSubscribeURL\n{subscribeUrl}\nTimestamp\n{timestamp}\nToken\n{token}\nTopicArn\n{topic}\nType\n{type}\n";
        var signature = (key ?? app.SnsKey).SignData(Encoding.UTF8.GetBytes(canonical), version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        var envelope = new Dictionary<string, string>
        {
            ["Type"] = type, ["MessageId"] = messageId, ["TopicArn"] = topic, ["Message"] = message, ["Timestamp"] = timestamp,
            ["SignatureVersion"] = version, ["Signature"] = Convert.ToBase64String(signature), ["SigningCertURL"] = certUrl,
        };
        if (type != "Notification")
        {
            envelope["Token"] = token;
            envelope["SubscribeURL"] = subscribeUrl;
        }

        return JsonSerializer.Serialize(envelope);
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var client = app.CreateClient();
        return await client.PostAsync(Url, new StringContent(body, Encoding.UTF8, "text/plain"));
    }

    [Fact]
    public async Task ASignedPermanentBounceMakesTheAddressInvalidWithAnAuditEntry()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, summary.RootElement.GetProperty("applied").GetInt32());
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.EmailInvalid);
        Assert.Contains("User unknown", reloaded.EmailInvalidCause);
        var audit = Assert.Single(await app.AuditAsync(person.Id), a => a.Field == "Email Invalid");
        Assert.Contains("webhook:ses", audit.Reason);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("webhook:ses", "userunknown", "orig-1@shop.example"), (evt.Source, evt.Reason, evt.OriginalMessageId));
        Assert.NotNull(evt.Rule);
    }

    [Fact]
    public async Task VersionOneSignaturesVerifyToo()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), version: "1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task ARetryOfTheSameNotificationIsADuplicate()
    {
        var person = await app.AddPersonAsync();
        var body = Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()));
        (await PostAsync(body)).Dispose();
        var auditBefore = (await app.AuditAsync(person.Id)).Count;

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((0, 1), (summary.RootElement.GetProperty("applied").GetInt32(), summary.RootElement.GetProperty("duplicates").GetInt32()));
        Assert.Equal(auditBefore, (await app.AuditAsync(person.Id)).Count);
        Assert.Single(await app.EventsAsync(person.Email!));
    }

    [Theory]
    [InlineData("OnAccountSuppressionList", "ses:account-suppressed")]
    [InlineData("Suppressed", "ses:suppressed")]
    public async Task ASuppressionListRefusalIsSuppressed(string subType, string rule)
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid(), subType: subType, status: "5.1.1",
            diagnostic: "Amazon SES did not send the message to this address because it is on the suppression list for your account.")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("suppressed", 2, rule), (evt.Reason, evt.Category, evt.Rule));
        Assert.StartsWith("SES refused", evt.RuleExplanation);
        Assert.True((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task NoEmailWithoutDetailsFallsBackOnTheSubtype()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid(), subType: "NoEmail", status: null, diagnostic: null)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("userunknown", "ses:noemail"), (evt.Reason, evt.Rule));
    }

    [Fact]
    public async Task AComplaintUnsubscribesAndLeavesTheBounceFieldsAlone()
    {
        var person = await app.AddPersonAsync();
        await app.AddRecentSendAsync(person); // issue 14: a complaint about a send of ours
        var complaint = JsonSerializer.Serialize(new
        {
            notificationType = "Complaint",
            complaint = new
            {
                feedbackId = "c-" + Guid.NewGuid(), timestamp = "2026-11-27T10:00:00Z", complaintFeedbackType = "abuse",
                complainedRecipients = new[] { new { emailAddress = person.Email } },
            },
            mail = new { messageId = "0102-ses-id" },
        });

        using var response = await PostAsync(Sns(complaint));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reloaded = await app.ReloadAsync(person.Id);
        Assert.True(reloaded.Unsubscribed);
        Assert.False(reloaded.EmailInvalid || reloaded.EmailSuspended);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("feedback", "ses:complaint"), (evt.Reason, evt.Rule));
    }

    [Fact]
    public async Task ADeliveryIsRecordedAsNotABounce()
    {
        var person = await app.AddPersonAsync();
        var delivery = JsonSerializer.Serialize(new
        {
            eventType = "Delivery",
            delivery = new { timestamp = "2026-11-27T10:00:00Z", recipients = new[] { person.Email }, smtpResponse = "250 2.0.0 OK" },
            mail = new { messageId = "0102-" + Guid.NewGuid() },
        });

        using var response = await PostAsync(Sns(delivery));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, summary.RootElement.GetProperty("notBounces").GetInt32());
        Assert.Equal("delivered", Assert.Single(await app.EventsAsync(person.Email!)).Reason);
        Assert.Empty(await app.AuditAsync(person.Id));
    }

    [Fact]
    public async Task ATamperedMessageIsRefusedAndChangesNothing()
    {
        var person = await app.AddPersonAsync();
        var other = await app.AddPersonAsync();
        var body = Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()));
        var tampered = body.Replace(person.Email!, other.Email!, StringComparison.Ordinal);

        using var response = await PostAsync(tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False((await app.ReloadAsync(other.Id)).EmailInvalid);
        Assert.Empty(await app.EventsAsync(other.Email!));
    }

    [Fact]
    public async Task ASignatureByAnotherKeyIsRefused()
    {
        var person = await app.AddPersonAsync();
        using var stranger = RSA.Create(2048);

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), key: stranger));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Theory]
    [InlineData("https://evil.example.com/SimpleNotificationService-test.pem")]
    [InlineData("http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem")]
    [InlineData("https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem")]
    // Issue 14.7: an S3 bucket (anyone can own one) or any other label is not an SNS region.
    [InlineData("https://sns.s3.amazonaws.com/x.pem")]
    [InlineData("https://sns.my-bucket.amazonaws.com/x.pem")]
    [InlineData("https://sns.eu-west-1x.amazonaws.com/x.pem")]
    public async Task ACertificateFromAnywhereButAnSnsHostIsNeverFetched(string certUrl)
    {
        var person = await app.AddPersonAsync();
        app.Sns.Files[certUrl] = app.Sns.Files[WebhookTestApp.CertUrl];

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), certUrl: certUrl));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(certUrl, app.Sns.Requests);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task ATopicOutsideTheAllowListIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), topic: "arn:aws:sns:eu-west-1:999999999999:other"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AMissingSignatureIsRefused()
    {
        var person = await app.AddPersonAsync();
        var envelope = JsonSerializer.Deserialize<Dictionary<string, string>>(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid())))!;
        envelope.Remove("Signature");

        using var response = await PostAsync(JsonSerializer.Serialize(envelope));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequestWithAShortMessage()
    {
        using var response = await PostAsync("{\"Type\": \"Notification\", ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("The body is not valid JSON.", text);
    }

    [Fact]
    public async Task ASignedBounceWithoutRecipientsIsABadRequest()
    {
        var person = await app.AddPersonAsync();
        var noRecipients = BounceEvent(person.Email!, "fb-" + Guid.NewGuid()).Replace("bouncedRecipients", "other", StringComparison.Ordinal);

        using var response = await PostAsync(Sns(noRecipients));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bouncedRecipients", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task ASignedSubscriptionConfirmationIsConfirmedAtItsSubscribeUrl()
    {
        var subscribeUrl = $"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={WebhookTestApp.TopicArn}&Token={Guid.NewGuid():N}";

        using var response = await PostAsync(Sns("You have chosen to subscribe to the topic.", type: "SubscriptionConfirmation", subscribeUrl: subscribeUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(subscribeUrl, app.Sns.Requests);
    }

    [Fact]
    public async Task AnUnsignedSubscriptionConfirmationIsNeverFollowed()
    {
        var subscribeUrl = $"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token={Guid.NewGuid():N}";
        using var stranger = RSA.Create(2048);

        using var response = await PostAsync(Sns("subscribe", type: "SubscriptionConfirmation", subscribeUrl: subscribeUrl, key: stranger));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(subscribeUrl, app.Sns.Requests);
    }

    [Fact]
    public async Task ASubscribeUrlOffAnSnsHostIsNeverFollowed()
    {
        var subscribeUrl = $"https://attacker.example/?Action=ConfirmSubscription&Token={Guid.NewGuid():N}";

        using var response = await PostAsync(Sns("subscribe", type: "SubscriptionConfirmation", subscribeUrl: subscribeUrl));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(subscribeUrl, app.Sns.Requests);
    }

    [Fact]
    public async Task SesOwnSubscriptionNoticeIsIgnored()
    {
        var notice = JsonSerializer.Serialize(new { notificationType = "AmazonSnsSubscriptionSucceeded", message = "You have successfully subscribed your Amazon SNS topic." });

        using var response = await PostAsync(Sns(notice));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Ignored);
    }

    [Fact]
    public async Task TheExplainPanelShowsTheProviderRuleOfAWebhookBounce()
    {
        var person = await app.AddPersonAsync();
        (await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid(), subType: "OnAccountSuppressionList", status: null,
            diagnostic: "Amazon SES did not send the message to this address because it is on the suppression list for your account.")))).Dispose();
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        var queries = new BounceQueryService(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>(),
            FixedCurrentUser.For("marketer@test", Roles.Marketer));

        var explanation = await queries.ExplainAsync(evt.Id);

        Assert.NotNull(explanation);
        Assert.Equal(("webhook:ses", "ses:account-suppressed", "suppressed"), (explanation.Source, explanation.Rule, explanation.Reason));
        Assert.Equal("SES refused: the address is on the account's suppression list", explanation.RuleExplanation);
        Assert.Contains(explanation.Changes, c => c.StartsWith("Email Invalid", StringComparison.Ordinal));
    }

    private async Task AssertNoFieldChangedAsync(BounceAdmin.Data.Entities.Person before)
    {
        var after = await app.ReloadAsync(before.Id);
        Assert.Equal((false, (DateTime?)null, (string?)null, false, (string?)null, false),
            (after.EmailSuspended, after.EmailSuspendedAt, after.EmailSuspendedCause, after.EmailInvalid, after.EmailInvalidCause, after.Unsubscribed));
        Assert.Empty(await app.AuditAsync(before.Id));
    }

    /// <summary>Issue 14.1: an SES Transient bounce is temporary whatever its diagnostic says; Undetermined leaves it to the codes.</summary>
    [Fact]
    public async Task ATransientBounceIsTemporaryAndChangesNoField()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid(), bounceType: "Transient", subType: "General",
            status: null, diagnostic: "smtp; Message rejected: blocked as spam by the receiving policy")));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.False(evt.Permanent);
        Assert.Contains(evt.Category, new int?[] { 3, 4 });
        await AssertNoFieldChangedAsync(person);
    }

    // ---- Issue 14.7: SNS certificate fetch hardening ----

    [Theory]
    [InlineData("https://sns.us-east-1.amazonaws.com/a.pem")]
    [InlineData("https://sns.us-gov-west-1.amazonaws.com/a.pem")]
    [InlineData("https://sns.ap-southeast-2.amazonaws.com/a.pem")]
    public void RealRegionHostsAreSnsUrls(string url) => Assert.True(BounceAdmin.Features.Bounces.Webhooks.SnsMessage.IsSnsUrl(url));

    [Fact]
    public async Task ACertificateWhoseSubjectIsNotSnsIsRefused()
    {
        var person = await app.AddPersonAsync();
        const string url = "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-other.pem";
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=attacker.example", app.SnsKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        app.Sns.Files[url] = certificate.ExportCertificatePem();

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), certUrl: url));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task ARedirectIsNotFollowedAndAFailureIsNotFetchedAgainForAWhile()
    {
        var person = await app.AddPersonAsync();
        const string url = "https://sns.sa-east-1.amazonaws.com/SimpleNotificationService-moved.pem";
        app.Sns.Responses[url] = () => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri(WebhookTestApp.CertUrl) } };

        using var first = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), certUrl: url));
        using var second = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), certUrl: url));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (first.StatusCode, second.StatusCode));
        Assert.Single(app.Sns.Requests, r => r == url);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task AnOversizedCertificateWithoutALengthIsNotRead()
    {
        var person = await app.AddPersonAsync();
        const string url = "https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-huge.pem";
        app.Sns.Responses[url] = () => new HttpResponseMessage(HttpStatusCode.OK)
        {
            // A non-seekable stream: no Content-Length header, as a chunked answer.
            Content = new StreamContent(new UnseekableStream(new byte[10 * 1024 * 1024])),
        };

        using var response = await PostAsync(Sns(BounceEvent(person.Email!, "fb-" + Guid.NewGuid()), certUrl: url));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public void TheSnsClientFollowsNoRedirectAndTimesOutInSeconds()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(
            services, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Microsoft.Extensions.DependencyInjection.LoggingServiceCollectionExtensions.AddLogging(services);
        services.AddSingleton(TimeProvider.System);
        BounceAdmin.Features.Bounces.Webhooks.WebhooksRegistration.AddWebhooks(services);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(BounceAdmin.Features.Bounces.Webhooks.WebhooksRegistration.SnsHttpClient);
        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(BounceAdmin.Features.Bounces.Webhooks.WebhooksRegistration.SnsHttpClient);
        while (handler is DelegatingHandler d)
        {
            handler = d.InnerHandler;
        }

        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.False(sockets.AllowAutoRedirect);
        Assert.True(sockets.ConnectTimeout <= TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), client.Timeout);
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
