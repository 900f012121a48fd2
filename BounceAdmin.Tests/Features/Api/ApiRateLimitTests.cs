using System.Net;
using BounceAdmin.Features.Api;

namespace BounceAdmin.Tests.Features.Api;

/// <summary>Per-key rate limiting with ASP.NET Core's rate limiter: over the limit is 429 with Retry-After; keys are apart.</summary>
public sealed class ApiRateLimitTests : IClassFixture<RateLimitedApiFactory>
{
    private readonly RateLimitedApiFactory _app;

    public ApiRateLimitTests(RateLimitedApiFactory app) => _app = app;

    [Fact]
    public async Task TheRequestOverTheLimitIs429WithRetryAfterAndAnotherKeyIsNotHeldBack()
    {
        var busy = await _app.CreateKeyAsync(ApiScopes.MailabilityRead);
        var quiet = await _app.CreateKeyAsync(ApiScopes.MailabilityRead);
        using var busyClient = _app.ApiClient(busy.Key);
        using var quietClient = _app.ApiClient(quiet.Key);

        for (var i = 0; i < _app.RequestsPerMinute; i++)
        {
            using var ok = await busyClient.GetAsync("/api/v1/people/nobody%40example.com");
            Assert.Equal(HttpStatusCode.NotFound, ok.StatusCode);
        }

        using var refused = await busyClient.GetAsync("/api/v1/people/nobody%40example.com");
        using var other = await quietClient.GetAsync("/api/v1/people/nobody%40example.com");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter!.Value.TotalSeconds, 1, 60);
        await ApiKeyAuthenticationTests.AssertProblemAsync(refused, 429);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
