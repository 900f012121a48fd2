using System.Globalization;
using System.Text.RegularExpressions;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using CsvHelper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BounceAdmin.Features.Mailability;

public static partial class MailabilityEndpoints
{
    /// <summary>Largest body of <c>POST /api/v1/mailability</c>: 10,000 addresses of the longest allowed length, quoted.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public static IServiceCollection AddMailability(this IServiceCollection services)
    {
        services.AddScoped<MailabilityService>();
        return services;
    }

    public static IEndpointRouteBuilder MapMailability(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapApiV1().WithTags("Mailability");

        api.MapGet("/people/{email}", GetPersonAsync)
            .RequireAuthorization(ApiScopes.MailabilityRead)
            .WithName("GetPerson")
            .WithSummary("A person's five bounce fields, mailability, mailable again at, last bounce (scope mailability:read).");

        api.MapPost("/mailability", CheckAsync)
            .RequireAuthorization(ApiScopes.MailabilityRead)
            .Accepts<MailabilityRequest>("application/json")
            .Produces<MailabilityResponse>()
            .ProducesProblem(400).ProducesProblem(413)
            .WithName("CheckMailability")
            .WithSummary($"Mailability of up to {MailabilityService.MaxBatch} addresses, one answer each, in order (scope mailability:read).");

        api.MapGet("/suppressions", GetSuppressionsAsync)
            .RequireAuthorization(ApiScopes.MailabilityRead)
            .Produces<SuppressionRow[]>(200, "application/json", "text/csv")
            .ProducesProblem(400)
            .WithName("GetSuppressions")
            .WithSummary("Every address not mailable now with its reason, streamed as JSON or CSV (scope mailability:read).");

        // The same export for staff (People page), with the login cookie; the service checks the role (Manager or Admin).
        endpoints.MapGet("/exports/suppressions.csv", async (HttpContext http, MailabilityService service, [FromQuery] string? changedSince) =>
                await SuppressionsAsync(http, service, changedSince, "csv"))
            .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.ReportReaders })
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<Ok<PersonMailabilityView>, ProblemHttpResult>> GetPersonAsync(string email, MailabilityService service, CancellationToken ct)
    {
        try
        {
            var person = await service.GetPersonAsync(email, ct);
            return person is null
                ? (ProblemHttpResult)ApiProblems.Result(404, $"Nobody has the address {email.Trim().ToLowerInvariant()}.")
                : TypedResults.Ok(person);
        }
        catch (ArgumentException ex)
        {
            return (ProblemHttpResult)ApiProblems.Result(400, ex.Message);
        }
    }

    private static async Task<IResult> CheckAsync(HttpRequest request, MailabilityService service, CancellationToken ct)
    {
        var (body, error) = await ApiJson.ReadAsync<MailabilityRequest>(request, MaxBodyBytes, ct);
        if (error is not null)
        {
            return error;
        }

        if (body!.Addresses is null)
        {
            return ApiProblems.Result(400, "The body needs \"addresses\": an array of email addresses.");
        }

        try
        {
            return TypedResults.Ok(await service.CheckAsync(body.Addresses, ct));
        }
        catch (BatchTooLargeException ex)
        {
            return ApiProblems.Result(413, ex.Message);
        }
    }

    private static Task<IResult> GetSuppressionsAsync(HttpContext http, MailabilityService service, [FromQuery] string? changedSince, [FromQuery] string? format)
        => SuppressionsAsync(http, service, changedSince, format);

    private static async Task<IResult> SuppressionsAsync(HttpContext http, MailabilityService service, string? changedSince, string? format)
    {
        format = (format ?? "json").Trim().ToLowerInvariant();
        if (format is not ("json" or "csv"))
        {
            return ApiProblems.Result(400, "format is json or csv.");
        }

        DateTime? since = null;
        if (!string.IsNullOrWhiteSpace(changedSince))
        {
            if (!TryParseQueryTime(changedSince, out var t))
            {
                return ApiProblems.Result(400, "changedSince must be an ISO 8601 time with an offset, e.g. 2026-12-01T00:00:00Z (write + as %2B in a URL).");
            }

            since = t.UtcDateTime;
        }

        IAsyncEnumerable<SuppressionRow> rows;
        try
        {
            rows = await service.OpenSuppressionsAsync(since);
        }
        catch (ForbiddenException ex)
        {
            return ApiProblems.Result(403, ex.Message);
        }

        if (format == "json")
        {
            return TypedResults.Ok(rows);
        }

        return new CsvStream(rows, $"suppressions-{DateTime.UtcNow:yyyyMMdd-HHmm}Z.csv");
    }

    /// <summary>
    /// A query string's ISO 8601 time with its offset (<see cref="Engagement.IsoTimestamp"/>, the API's one rule for times),
    /// after giving back the '+' of an offset that arrived unencoded (as a space).
    /// </summary>
    private static bool TryParseQueryTime(string text, out DateTimeOffset value)
        => Engagement.IsoTimestamp.TryParse(SpaceBeforeOffset().Replace(text.Trim(), "+$1"), out value, out _);

    [GeneratedRegex(@" (\d{2}:?\d{2})$")]
    private static partial Regex SpaceBeforeOffset();

    /// <summary>The suppression list as CSV (CsvHelper), written row by row to the response as the rows are read.</summary>
    private sealed class CsvStream(IAsyncEnumerable<SuppressionRow> rows, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            var options = new CsvWriterOptions { Injection = CsvInjection.Escape };
            await using var csv = CsvWriter.Create(http.Response.Body, options, leaveOpen: true);
            csv.WriteRecord(["email", "reason", "reasons", "mailableAgainAt", "changedAt"]);
            var n = 0;
            await foreach (var r in rows.WithCancellation(http.RequestAborted))
            {
                csv.WriteRecord(
                [
                    r.Email,
                    r.Reason,
                    string.Join(' ', r.Reasons),
                    r.MailableAgainAt?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "",
                    r.ChangedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ]);
                if (++n % 1000 == 0)
                {
                    await csv.FlushAsync(http.RequestAborted);
                }
            }

            await csv.FlushAsync(http.RequestAborted);
        }
    }
}
