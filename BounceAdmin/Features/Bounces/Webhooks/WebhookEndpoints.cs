using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/{ses,sendgrid,mailgun,postmark,generic}</c>: server-to-server endpoints, so no cookie login and
/// no antiforgery; each provider authenticates its own requests. One pipeline for all of them: off → 404, too large
/// (body over Webhooks:MaxBodyBytes, or more than Webhooks:MaxEventsPerRequest events) → 413, not authentic → 401,
/// malformed → 400, database locked for longer than Webhooks:BusyTimeoutSeconds → 503 with Retry-After, other database
/// failure → 500 (the provider retries; de-duplication makes that safe), otherwise 200 with a <see cref="WebhookSummary"/>.
/// </summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/webhooks").AllowAnonymous().DisableAntiforgery();
        group.MapPost("/ses", (HttpContext http, SesWebhook provider) => HandleAsync(http, provider));
        group.MapPost("/sendgrid", (HttpContext http, SendGridWebhook provider) => HandleAsync(http, provider));
        group.MapPost("/mailgun", (HttpContext http, MailgunWebhook provider) => HandleAsync(http, provider));
        group.MapPost("/postmark", (HttpContext http, PostmarkWebhook provider) => HandleAsync(http, provider));
        group.MapPost("/generic", (HttpContext http, GenericWebhook provider) => HandleAsync(http, provider));
        return endpoints;
    }

    /// <summary>The pipeline every provider's request goes through.</summary>
    public static async Task<IResult> HandleAsync(HttpContext http, IWebhookProvider provider)
    {
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookEndpoints));
        var ct = http.RequestAborted;
        var source = "webhook:" + provider.Name;

        // Every answer has a body: a bodiless 4xx would be re-executed as the app's "not found" page.
        if (!provider.IsConfigured)
        {
            return Results.Text("Not found.", statusCode: StatusCodes.Status404NotFound);
        }

        var settings = services.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;
        var limit = settings.MaxBodyBytes;
        var body = await ReadBodyAsync(http.Request, limit, ct);
        if (body is null)
        {
            return Results.Text($"The body is larger than {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        WebhookVerdict verdict;
        try
        {
            verdict = await provider.ReadAsync(new WebhookRequest(http.Request.Headers, body), ct);
        }
        catch (WebhookFormatException ex)
        {
            verdict = WebhookVerdict.Malformed(ex.Message);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            // A payload shape the mappers did not foresee (a value out of range, an unexpected JSON kind): still the
            // sender's malformed request, answered 400 like the others rather than 500 (which providers retry forever).
            logger.LogWarning(ex, "Webhook {Source}: the payload could not be read", source);
            verdict = WebhookVerdict.Malformed("The payload could not be read.");
        }

        switch (verdict.Kind)
        {
            case WebhookVerdictKind.Rejected:
                // The reason is for the operator (wrong key, stale timestamp, unknown topic); the caller learns nothing.
                logger.LogWarning("Webhook {Source} refused a request from {Remote}: {Why}", source, http.Connection.RemoteIpAddress, verdict.Message);
                return Results.Text("Unauthorized.", statusCode: StatusCodes.Status401Unauthorized);
            case WebhookVerdictKind.Malformed:
                logger.LogWarning("Webhook {Source} received a malformed request: {Message}", source, verdict.Message);
                return Results.Text(verdict.Message, statusCode: StatusCodes.Status400BadRequest);
            case WebhookVerdictKind.Unavailable:
                logger.LogWarning("Webhook {Source} could not check a request: {Message}", source, verdict.Message);
                return Results.Text(verdict.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            case WebhookVerdictKind.Acknowledged:
                logger.LogInformation("Webhook {Source}: {Message}", source, verdict.Message);
                return Results.Json(new { message = verdict.Message });
        }

        if (verdict.Inputs.Count + verdict.Ignored > settings.MaxEventsPerRequest)
        {
            verdict.Undo?.Invoke();
            logger.LogWarning("Webhook {Source} sent {Count} events in one request; at most {Max} are accepted", source,
                verdict.Inputs.Count + verdict.Ignored, settings.MaxEventsPerRequest);
            return Results.Text($"At most {settings.MaxEventsPerRequest} events per request; nothing was applied. Send smaller batches.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        try
        {
            var applier = services.GetRequiredService<WebhookApplier>();
            var summary = await applier.ApplyAsync(WebhookApplier.SystemIdentity(source), verdict.Inputs, verdict.Ignored, ct,
                TimeSpan.FromSeconds(Math.Max(1, settings.BusyTimeoutSeconds)));
            // Deliveries, opens, clicks and unsubscribes as engagement of the matched sends (sends-events, WebhookEngagement.cs).
            await WebhookEngagement.RecordAsync(services, provider.Name, body, verdict.Inputs, summary, ct);
            return Results.Json(summary);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 && !ct.IsCancellationRequested)
        {
            // SQLITE_BUSY / SQLITE_LOCKED: another writer held the database past the short wait. Nothing was applied.
            logger.LogWarning("Webhook {Source}: the database is busy; answered 503, the provider will retry", source);
            verdict.Undo?.Invoke();
            http.Response.Headers.RetryAfter = Math.Max(1, settings.RetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text("The database is busy; retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (ArgumentException ex)
        {
            // BounceRulesService refused an input (e.g. an address it cannot store): nothing of the request was applied.
            logger.LogWarning("Webhook {Source} sent an event that cannot be applied: {Message}", source, ex.Message);
            return Results.Text("An event cannot be applied: " + ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Webhook {Source}: the events could not be stored; the provider will retry", source);
            verdict.Undo?.Invoke();
            return Results.Text("The events could not be stored; retry later.", statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>The whole body, or null when it is larger than <paramref name="limit"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 16 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
