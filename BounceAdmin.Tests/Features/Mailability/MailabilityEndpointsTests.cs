using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using BounceAdmin.Tests.Features.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Mailability;

/// <summary>Mailability out (issue 12 point 3) over HTTP: every endpoint, every scope, the answers and the bad input.</summary>
[Collection(ApiCollection.Name)]
public sealed class MailabilityEndpointsTests(ApiTestFactory app)
{
    private static string Unique(string local) => $"{local}.{Guid.NewGuid():N}@example.com";

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/v1/people/someone%40example.com" },
        { "POST", "/api/v1/mailability" },
        { "GET", "/api/v1/suppressions" },
        { "GET", "/api/v1/suppressions?format=csv" },
    };

    private static HttpRequestMessage Request(string method, string url)
        => new(new HttpMethod(method), url)
        {
            Content = method == "POST" ? JsonContent.Create(new { addresses = new[] { "someone@example.com" } }) : null,
        };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryEndpointIs401WithoutAKey403WithTheWrongScopeAnd200WithMailabilityRead(string method, string url)
    {
        var wrong = await app.CreateKeyAsync(ApiScopes.EventsWrite, ApiScopes.PeopleWrite);
        var right = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        var expired = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        await app.UpdateKeyAsync(expired.Row.Id, k => k.ExpiresAt = DateTime.UtcNow.AddMinutes(-1));
        try
        {
            await app.AddPersonAsync("someone@example.com");
        }
        catch (DbUpdateException)
        {
            // Made by an earlier row of this theory.
        }

        using var none = app.ApiClient(null);
        using var withWrong = app.ApiClient(wrong.Key);
        using var withRight = app.ApiClient(right.Key);
        using var withExpired = app.ApiClient(expired.Key);

        using var r401 = await none.SendAsync(Request(method, url));
        using var rExpired = await withExpired.SendAsync(Request(method, url));
        using var r403 = await withWrong.SendAsync(Request(method, url));
        using var r200 = await withRight.SendAsync(Request(method, url));

        Assert.Equal(HttpStatusCode.Unauthorized, r401.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rExpired.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, r403.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r200.StatusCode);
    }

    [Fact]
    public async Task APersonHasTheFiveFieldsMailabilityAndTheLastBounce()
    {
        var email = Unique("Suspended");
        var at = DateTime.UtcNow.AddHours(-1);
        var person = await app.AddPersonAsync(email, p =>
        {
            p.EmailSuspended = true;
            p.EmailSuspendedAt = at;
            p.EmailSuspendedCause = "550 5.7.1 blocked";
        });
        await AddBounceAsync(person, "blocked", 1, at);
        await AddBounceAsync(person, "mailboxfull", 3, at.AddDays(-3));
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);

        using var response = await client.GetAsync("/api/v1/people/" + Uri.EscapeDataString(email.ToUpperInvariant()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.True(root.GetProperty("emailSuspended").GetBoolean());
        Assert.Equal("550 5.7.1 blocked", root.GetProperty("emailSuspendedCause").GetString());
        Assert.False(root.GetProperty("emailInvalid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("emailInvalidCause").ValueKind);
        Assert.False(root.GetProperty("mailable").GetBoolean());
        Assert.Equal("emailSuspended", root.GetProperty("reason").GetString());
        var again = root.GetProperty("mailableAgainAt").GetString()!;
        Assert.EndsWith("+00:00", again);
        Assert.Equal(at.AddHours(24), DateTimeOffset.Parse(again, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.EndsWith("+00:00", root.GetProperty("emailSuspendedAt").GetString());
        var last = root.GetProperty("lastBounce");
        Assert.Equal("blocked", last.GetProperty("reason").GetString());
        Assert.Equal(1, last.GetProperty("category").GetInt32());
        Assert.EndsWith("+00:00", last.GetProperty("at").GetString());
    }

    [Fact]
    public async Task AnUnknownPersonIs404AndANonAddressIs400()
    {
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);

        using var unknown = await client.GetAsync("/api/v1/people/" + Uri.EscapeDataString(Unique("nobody")));
        using var invalid = await client.GetAsync("/api/v1/people/not-an-address");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await ApiKeyAuthenticationTests.AssertProblemAsync(unknown, 404);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        await ApiKeyAuthenticationTests.AssertProblemAsync(invalid, 400);
    }

    [Fact]
    public async Task ABatchGetsOneAnswerPerAddressInOrder()
    {
        var ok = Unique("ok");
        var invalid = Unique("invalid");
        var unsub = Unique("unsub");
        await app.AddPersonAsync(ok);
        await app.AddPersonAsync(invalid, p => { p.EmailInvalid = true; p.EmailInvalidCause = "550 5.1.1"; });
        await app.AddPersonAsync(unsub, p => p.Unsubscribed = true);
        var nobody = Unique("nobody");
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);

        using var response = await client.PostAsJsonAsync("/api/v1/mailability",
            new { addresses = new[] { ok.ToUpperInvariant(), invalid, nobody, "not an address", unsub, ok } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(6, results.Count);
        Assert.Equal((ok, true, null), Answer(results[0]));
        Assert.Equal((invalid, false, "emailInvalid"), Answer(results[1]));
        Assert.Equal((nobody, false, "unknown"), Answer(results[2]));
        Assert.Equal(("not an address", false, "invalidAddress"), Answer(results[3]));
        Assert.Equal((unsub, false, "unsubscribed"), Answer(results[4]));
        Assert.Equal((ok, true, null), Answer(results[5]));
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("mailableAgainAt").ValueKind);
        var counts = json.RootElement.GetProperty("counts");
        Assert.Equal(2, counts.GetProperty("mailable").GetInt32());
        Assert.Equal(2, counts.GetProperty("notMailable").GetInt32());
        Assert.Equal(1, counts.GetProperty("unknown").GetInt32());
        Assert.Equal(1, counts.GetProperty("invalid").GetInt32());
    }

    private static (string?, bool, string?) Answer(JsonElement e)
        => (e.GetProperty("email").GetString(), e.GetProperty("mailable").GetBoolean(), e.GetProperty("reason").GetString());

    [Fact]
    public async Task MoreThanTenThousandAddressesIs413()
    {
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);
        var addresses = Enumerable.Range(0, 10_001).Select(i => $"a{i}@example.com").ToArray();

        using var over = await client.PostAsJsonAsync("/api/v1/mailability", new { addresses });
        using var atLimit = await client.PostAsJsonAsync("/api/v1/mailability", new { addresses = addresses[..10_000] });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        await ApiKeyAuthenticationTests.AssertProblemAsync(over, 413);
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
    }

    [Fact]
    public async Task AHugeBodyIsRefusedFromItsLengthBeforeItIsRead()
    {
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);
        using var content = new StringContent("{\"addresses\":[" + new string(' ', 5 * 1024 * 1024) + "]}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/v1/mailability", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"addresses\": [\"a@example.com\",", "not valid JSON")]
    [InlineData("{\"addresses\": 5}", "not valid JSON")]
    [InlineData("{}", "addresses")]
    [InlineData("", "no body")]
    public async Task MalformedJsonIs400WithAProblem(string body, string expected)
    {
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);

        using var response = await client.PostAsync("/api/v1/mailability", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ApiKeyAuthenticationTests.AssertProblemAsync(response, 400);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheSuppressionListHasEveryUnmailableAddressWithItsReasonAsJsonAndCsv()
    {
        var invalid = Unique("sup-invalid");
        var mailable = Unique("sup-ok");
        var suspended = Unique("sup-suspended");
        var oldSuspension = Unique("sup-old");
        await app.AddPersonAsync(invalid, p => p.EmailInvalid = true);
        await app.AddPersonAsync(mailable);
        await app.AddPersonAsync(suspended, p => { p.EmailSuspended = true; p.EmailSuspendedAt = DateTime.UtcNow.AddHours(-2); });
        await app.AddPersonAsync(oldSuspension, p => { p.EmailSuspended = true; p.EmailSuspendedAt = DateTime.UtcNow.AddDays(-2); });
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);

        using var json = await client.GetAsync("/api/v1/suppressions?format=json");
        using var csv = await client.GetAsync("/api/v1/suppressions?format=csv");

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        using var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        var rows = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("email").GetString()!, e => e);
        Assert.Equal("emailInvalid", rows[invalid].GetProperty("reason").GetString());
        Assert.Equal("emailSuspended", rows[suspended].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.String, rows[suspended].GetProperty("mailableAgainAt").ValueKind);
        Assert.DoesNotContain(mailable, rows.Keys);
        Assert.DoesNotContain(oldSuspension, rows.Keys);

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("email,reason,reasons,mailableAgainAt,changedAt", lines[0].TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith(invalid + ",emailInvalid,emailInvalid,,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith(mailable + ",", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChangedSinceKeepsOnlyLaterChangesAndNeedsAnOffset()
    {
        var before = Unique("sup-before");
        var after = Unique("sup-after");
        await app.AddPersonAsync(before, p => { p.Blocklisted = true; p.UpdatedAt = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc); });
        await app.AddPersonAsync(after, p => { p.Blocklisted = true; p.UpdatedAt = new DateTime(2030, 1, 2, 0, 0, 0, DateTimeKind.Utc); });
        using var client = app.ApiClient((await app.CreateKeyAsync(ApiScopes.MailabilityRead)).Key);

        using var response = await client.GetAsync("/api/v1/suppressions?changedSince=" + Uri.EscapeDataString("2030-01-01T00:00:00+01:00"));
        using var noOffset = await client.GetAsync("/api/v1/suppressions?changedSince=2030-01-01T00:00:00");
        using var badFormat = await client.GetAsync("/api/v1/suppressions?format=xml");

        var emails = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("email").GetString()).ToList();
        Assert.Contains(after, emails);
        Assert.DoesNotContain(before, emails);
        Assert.Equal(HttpStatusCode.BadRequest, noOffset.StatusCode);
        await ApiKeyAuthenticationTests.AssertProblemAsync(noOffset, 400);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
    }

    [Theory]
    [InlineData(Roles.Manager, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Marketer, false)]
    public async Task StaffExportTheSuppressionListAsManagersOrAdminsOnly(string role, bool allowed)
    {
        var invalid = Unique("staff-invalid");
        await app.AddPersonAsync(invalid, p => p.EmailInvalid = true);
        using var client = await app.LoginAsync(await app.CreateUserAsync(role));

        using var response = await client.GetAsync("/exports/suppressions.csv");

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(invalid + ",emailInvalid", await response.Content.ReadAsStringAsync());
            Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        }
        else
        {
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(invalid, await response.Content.ReadAsStringAsync());
        }
    }

    private async Task AddBounceAsync(Person person, string reason, int category, DateTime at)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.BounceEvents.Add(new BounceEvent
        {
            PersonId = person.Id,
            Recipient = person.EmailNormalized!,
            RecipientDomain = person.EmailDomain!,
            Category = category,
            Reason = reason,
            Permanent = category <= 2,
            Source = "test",
            OccurredAt = at,
            ReceivedAt = at,
            DedupKey = Guid.NewGuid().ToString("N"),
            Outcome = BounceOutcome.Applied,
        });
        await db.SaveChangesAsync();
    }
}
