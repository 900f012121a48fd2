using System.Net;
using System.Text.Json;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;

namespace BounceAdmin.Tests.Features.Api;

/// <summary>
/// Bearer API keys on <c>/api/v1</c> (issue 12 point 4): a missing, malformed, unknown, expired or revoked key is 401 with
/// <c>WWW-Authenticate</c>, a key without the scope 403, the right scope 200; never a redirect, always problem details.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiKeyAuthenticationTests(ApiTestFactory app)
{
    private const string PersonUrl = "/api/v1/people/nobody%40example.com";

    [Fact]
    public async Task NoKeyIs401WithAChallengeAndAProblemBodyNotARedirect()
    {
        using var client = app.ApiClient(null);

        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        await AssertProblemAsync(response, 401);
    }

    [Theory]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer ba_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task AMalformedOrUnknownKeyIs401InvalidToken(string header)
    {
        using var client = app.ApiClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        await AssertProblemAsync(response, 401);
    }

    [Fact]
    public async Task AKnownKeyWithAWrongSecretIs401()
    {
        var created = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        var tampered = created.Key[..^4] + (created.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var client = app.ApiClient(tampered);

        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnExpiredKeyIs401()
    {
        var created = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        using var client = app.ApiClient(created.Key);
        using (var before = await client.GetAsync(PersonUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        await app.UpdateKeyAsync(created.Row.Id, k => k.ExpiresAt = DateTime.UtcNow.AddSeconds(-1));
        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", response.Headers.WwwAuthenticate.ToString());
        await AssertProblemAsync(response, 401);
    }

    [Fact]
    public async Task ARevokedKeyIs401AtOnce()
    {
        var created = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        using var client = app.ApiClient(created.Key);
        using (var before = await client.GetAsync(PersonUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        await app.AdminKeys().RevokeAsync(created.Row.Id);
        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData(ApiScopes.EventsWrite)]
    [InlineData(ApiScopes.PeopleWrite)]
    public async Task AKeyWithoutTheScopeIs403InsufficientScope(string scope)
    {
        var created = await app.CreateKeyAsync(scope);
        using var client = app.ApiClient(created.Key);

        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains(ApiScopes.MailabilityRead, challenge);
        await AssertProblemAsync(response, 403);
    }

    [Fact]
    public async Task AKeyWithTheScopeGetsIn()
    {
        var created = await app.CreateKeyAsync(ApiScopes.EventsWrite, ApiScopes.MailabilityRead);
        await app.AddPersonAsync("scope.ok@example.com");
        using var client = app.ApiClient(created.Key);

        using var response = await client.GetAsync("/api/v1/people/scope.ok%40example.com");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ASignedInAdminsCookieDoesNotOpenTheApi()
    {
        var admin = await app.CreateUserAsync(Roles.Admin);
        using var client = await app.LoginAsync(admin);

        using var response = await client.GetAsync(PersonUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheUiStillSendsAnonymousBrowsersToTheLoginPage()
    {
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync("/people");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task AnUnknownApiRouteIsAProblemNotTheHtmlNotFoundPage()
    {
        var created = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        using var client = app.ApiClient(created.Key);

        using var response = await client.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemAsync(response, 404);
    }

    [Fact]
    public async Task UsingAKeyRecordsLastUsedAt()
    {
        var created = await app.CreateKeyAsync(ApiScopes.MailabilityRead);
        Assert.Null(created.Row.LastUsedAt);
        using var client = app.ApiClient(created.Key);

        using var response = await client.GetAsync(PersonUrl);

        var row = (await app.AdminKeys().ListAsync()).Single(k => k.Id == created.Row.Id);
        Assert.NotNull(row.LastUsedAt);
        Assert.True(DateTime.UtcNow - row.LastUsedAt!.Value < TimeSpan.FromMinutes(1));
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("detail").GetString()));
    }
}
