using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BounceAdmin.Features.Bounces.Webhooks;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>Issue 14 point 6: request limits, a busy database, the generic endpoint's addresses and Mailgun's formats.</summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookLimitTests(WebhookTestApp app)
{
    private static Dictionary<string, object?> Generic(string recipient) => new()
    {
        ["id"] = Guid.NewGuid().ToString("N"), ["recipient"] = recipient, ["occurredAt"] = "2026-11-27T10:00:00Z", ["status"] = "5.1.1",
        ["replyCode"] = 550, ["diagnostic"] = "550 5.1.1 no such user",
    };

    private async Task<HttpResponseMessage> PostGenericAsync(object body)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WebhookTestApp.GenericToken);
        return await client.SendAsync(request);
    }

    [Fact]
    public void TheDefaultLimitIsTenThousandEventsAndThreeSecondsOfBusyWait()
    {
        var defaults = new WebhookOptions();
        Assert.Equal((10_000, 3), (defaults.MaxEventsPerRequest, defaults.BusyTimeoutSeconds));
    }

    [Fact]
    public async Task MoreEventsThanTheLimitAreRefusedWith413AndNothingIsApplied()
    {
        var person = await app.AddPersonAsync();
        var events = Enumerable.Range(0, WebhookTestApp.MaxEvents).Select(_ => Generic($"x{Guid.NewGuid():N}@example.com")).Append(Generic(person.Email!)).ToList();

        using var response = await PostGenericAsync(events);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains($"At most {WebhookTestApp.MaxEvents} events", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.EventsAsync(person.Email!));
        Assert.False((await app.ReloadAsync(person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task AsManyEventsAsTheLimitAreAccepted()
    {
        var events = Enumerable.Range(0, WebhookTestApp.MaxEvents).Select(_ => Generic($"y{Guid.NewGuid():N}@example.com")).ToList();

        using var response = await PostGenericAsync(events);

        Assert.Equal(WebhookTestApp.MaxEvents, (await WebhookAssertions.SummaryAsync(response)).Unmatched);
    }

    [Theory]
    [InlineData("Jane Doe <jane@example.com>")]
    [InlineData("a b@c.d")]
    [InlineData("a@b@c")]
    [InlineData("<jane@example.com>")]
    [InlineData("jane@localhost")]
    [InlineData("jane..doe@example.com")]
    [InlineData("jane@-example.com")]
    [InlineData("\"jane\"@example.com")]
    public async Task TheGenericEndpointRefusesWhatIsNotOneBareAddress(string recipient)
    {
        using var response = await PostGenericAsync(new[] { Generic(recipient) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'recipient' is not an email address", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheGenericEndpointRefusesA5000CharacterAddress()
    {
        using var response = await PostGenericAsync(new[] { Generic(new string('a', 4988) + "@example.com") });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("o'brien+news@example.com")]
    [InlineData("JANE.DOE@Sub.Example.COM")]
    [InlineData("jörg@bücher.example")]
    public async Task TheGenericEndpointAcceptsRealAddresses(string recipient)
    {
        using var response = await PostGenericAsync(new[] { Generic(recipient) });

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Unmatched);
    }

    [Fact]
    public async Task ALockedDatabaseAnswers503WithRetryAfterWithinSeconds()
    {
        var person = await app.AddPersonAsync();
        await using var holder = new SqliteConnection($"Data Source={app.DbPath};Pooling=False");
        await holder.OpenAsync();
        using var tx = holder.BeginTransaction(deferred: false); // holds the write lock

        var watch = Stopwatch.StartNew();
        using var response = await PostGenericAsync(new[] { Generic(person.Email!) });
        watch.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        // The configured wait is one second; the default SQLite wait of the app is 120 s.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"answered after {watch.Elapsed}");
        tx.Rollback();
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    // ---- Mailgun ----

    private static (string Timestamp, string Token, string Signature) Sign(string key = WebhookTestApp.MailgunKey)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var token = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")[..18];
        return (timestamp, token, Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token))));
    }

    private static Dictionary<string, string> LegacyBounce(string recipient, (string Timestamp, string Token, string Signature) s) => new()
    {
        ["event"] = "bounced", ["recipient"] = recipient, ["domain"] = "mg.shop.example", ["code"] = "550",
        ["error"] = "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
        ["notification"] = "", ["Message-Id"] = "<20261127.legacy@mg.shop.example>",
        ["message-headers"] = "[[\"Received\", \"by luna.mailgun.net\"], [\"Message-Id\", \"<20261127.legacy@mg.shop.example>\"]]",
        ["timestamp"] = s.Timestamp, ["token"] = s.Token, ["signature"] = s.Signature,
    };

    private async Task<HttpResponseMessage> PostMailgunAsync(HttpContent content)
    {
        using var client = app.CreateClient();
        return await client.PostAsync("/api/webhooks/mailgun", content);
    }

    [Fact]
    public async Task AMailgunLegacyUrlEncodedBounceIsApplied()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostMailgunAsync(new FormUrlEncodedContent(LegacyBounce(person.Email!, Sign())));

        Assert.Equal(1, (await WebhookAssertions.SummaryAsync(response)).Applied);
        Assert.True((await app.ReloadAsync(person.Id)).EmailInvalid);
        var evt = Assert.Single(await app.EventsAsync(person.Email!));
        Assert.Equal(("userunknown", true, "20261127.legacy@mg.shop.example"), (evt.Reason, evt.Permanent, evt.OriginalMessageId));
    }

    [Fact]
    public async Task AMailgunLegacyMultipartDroppedEventIsReadAndAnOldDropIsTemporary()
    {
        var suppressed = await app.AddPersonAsync();
        var old = await app.AddPersonAsync();
        var first = LegacyBounce(suppressed.Email!, Sign());
        first["event"] = "dropped";
        first["reason"] = "hardfail";
        first["code"] = "605";
        first["description"] = "Not delivering to previously bounced address";
        first.Remove("error");
        var second = LegacyBounce(old.Email!, Sign());
        second["event"] = "dropped";
        second["reason"] = "old";
        second["description"] = "Too old";
        second["error"] = "";
        second["code"] = "";

        foreach (var fields in new[] { first, second })
        {
            using var form = new MultipartFormDataContent();
            foreach (var (k, v) in fields)
            {
                form.Add(new StringContent(v), k);
            }

            using var response = await PostMailgunAsync(form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True((await app.ReloadAsync(suppressed.Id)).EmailInvalid);
        Assert.Equal("suppressed", Assert.Single(await app.EventsAsync(suppressed.Email!)).Reason);
        Assert.False(Assert.Single(await app.EventsAsync(old.Email!)).Permanent);
        Assert.False((await app.ReloadAsync(old.Id)).EmailInvalid);
    }

    [Fact]
    public async Task AMailgunLegacyFormWithAWrongSignatureIsRefused()
    {
        var person = await app.AddPersonAsync();

        using var response = await PostMailgunAsync(new FormUrlEncodedContent(LegacyBounce(person.Email!, Sign("not-the-key"))));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await app.EventsAsync(person.Email!));
    }

    [Fact]
    public async Task MailgunChecksTheSignatureBeforeItParsesTheEvents()
    {
        var (timestamp, token, _) = Sign();
        // A forged request whose events are not even valid JSON: refused as unauthentic (401), never parsed (400).
        var body = $$"""{"signature": {"timestamp": "{{timestamp}}", "token": "{{token}}", "signature": "{{new string('0', 64)}}"}, "event-data": {"event": [[[[ """;

        using var response = await PostMailgunAsync(new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
