using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Api;

/// <summary>Settings of <c>/api/v1</c>, section <c>BounceAdmin:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "BounceAdmin:Api";

    /// <summary>Requests one key may make per minute (a fixed window per key); more get 429 with <c>Retry-After</c>.</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

/// <summary>The rate limiting of <c>/api/v1</c>, with ASP.NET Core's rate limiter: one fixed window per API key.</summary>
public static class ApiRateLimits
{
    /// <summary>The name of the rate limiter policy the <c>/api/v1</c> group applies (<see cref="ApiV1.MapApiV1"/>).</summary>
    public const string PerKey = "api-per-key";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Partitions by the key's id (an unauthenticated request, which the policy refuses anyway, by its remote address), so
/// one busy client cannot starve another. A refused request gets 429, <c>Retry-After</c> in seconds and a problem body.
/// </summary>
public sealed class ApiKeyRateLimitPolicy(IOptionsMonitor<ApiOptions> options) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : (int)ApiRateLimits.Window.TotalSeconds;
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, ApiProblems.TitleOf(429),
            $"This API key made more than {options.CurrentValue.RequestsPerMinute} requests in a minute; retry after {seconds} s.");
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limit = Math.Max(1, options.CurrentValue.RequestsPerMinute);
        var who = httpContext.User.FindFirst(ApiCaller.KeyIdClaim)?.Value is { } id
            ? "key:" + id
            : "ip:" + httpContext.Connection.RemoteIpAddress;
        return RateLimitPartition.GetFixedWindowLimiter(who + "/" + limit, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = ApiRateLimits.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
