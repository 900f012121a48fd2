using BounceAdmin.Features.Api;
using BounceAdmin.Identity;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// <c>POST /api/v1/sends</c> and <c>POST /api/v1/events</c> on the API's route group (API keys, per-key rate limit), both
/// with the scope <c>events:write</c> (creating people also needs <c>people:write</c>, which the service checks). Answers:
/// 200 with one result per item; 400 naming the items (malformed JSON, a time without an offset, an unknown email, a
/// missing field) with nothing stored; 403 without the scope; 413 over 10,000 items or 32 MB; 401 from the key handler.
/// </summary>
public static class EngagementEndpoints
{
    public static IEndpointRouteBuilder MapEngagement(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapApiV1().WithTags("Sends and engagement");

        api.MapPost("/sends", PostSendsAsync)
            .RequireAuthorization(ApiScopes.EventsWrite)
            .Accepts<SendsRequest>("application/json")
            .Produces<SendsResponse>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(413)
            .WithName("PostSends")
            .WithSummary($"Record up to {EngagementLimits.MaxBatch:N0} sends in one transaction; idempotent by externalId (scope events:write; createPeople also people:write).");

        api.MapPost("/events", PostEventsAsync)
            .RequireAuthorization(ApiScopes.EventsWrite)
            .Accepts<EventsRequest>("application/json")
            .Produces<EventsResponse>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(413)
            .WithName("PostEvents")
            .WithSummary($"Record up to {EngagementLimits.MaxBatch:N0} delivered/opened/clicked/unsubscribed events of sends; idempotent (scope events:write).");
        return endpoints;
    }

    /// <summary>The answer of <c>POST /api/v1/sends</c>.</summary>
    public sealed record SendsResponse(int Created, int Duplicates, int UnknownRecipients, int PeopleCreated, int EmailsCreated, IReadOnlyList<SendItemResult> Items);

    /// <summary>The answer of <c>POST /api/v1/events</c>.</summary>
    public sealed record EventsResponse(int Recorded, int Duplicates, int Unmatched, int Unsubscribed, IReadOnlyList<EventItemResult> Items);

    private static async Task<IResult> PostSendsAsync(HttpContext http, SendsService sends, ApiCurrentUser caller, CancellationToken ct)
        => await HandleAsync(http, async body =>
        {
            var (records, createPeople) = EngagementJson.ReadSends(body);
            var r = await sends.RecordAsync(caller, records, createPeople, ct);
            return new SendsResponse(r.Created, r.Duplicates, r.UnknownRecipients, r.PeopleCreated, r.EmailsCreated, r.Items);
        }, ct);

    private static async Task<IResult> PostEventsAsync(HttpContext http, EngagementService engagement, ApiCurrentUser caller, CancellationToken ct)
        => await HandleAsync(http, async body =>
        {
            var r = await engagement.RecordAsync(caller, EngagementJson.ReadEvents(body), "api", ct);
            return new EventsResponse(r.Recorded, r.Duplicates, r.Unmatched, r.Unsubscribed, r.Items);
        }, ct);

    private static async Task<IResult> HandleAsync<T>(HttpContext http, Func<byte[], Task<T>> run, CancellationToken ct)
    {
        var request = http.Request;
        if (request.ContentLength > EngagementLimits.MaxBodyBytes)
        {
            return TooLarge();
        }

        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.Result(415, "Send the body as application/json.");
        }

        var body = await ReadAsync(request, ct);
        if (body is null)
        {
            return TooLarge();
        }

        try
        {
            return Results.Json(await run(body), EngagementJson.Options);
        }
        catch (BatchTooLargeException ex)
        {
            return ApiProblems.Result(413, ex.Message);
        }
        catch (BatchRejectedException ex)
        {
            // Every problem, each naming its item (0-based) and field; nothing of the batch was stored.
            return ApiProblems.Result(400, ex.Message, extensions: new Dictionary<string, object?>
            {
                ["errors"] = ex.Errors.Take(1000).Select(e => new { index = e.Index < 0 ? (int?)null : e.Index, field = e.Field, message = e.Message }).ToList(),
            });
        }
        catch (ForbiddenException ex)
        {
            return ApiProblems.Result(403, ex.Message);
        }
    }

    private static IResult TooLarge()
        => ApiProblems.Result(413, $"The body is larger than {EngagementLimits.MaxBodyBytes:N0} bytes; send at most {EngagementLimits.MaxBatch:N0} items per request.");

    /// <summary>The whole body, or null when it is larger than the limit (read no further).</summary>
    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > EngagementLimits.MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
