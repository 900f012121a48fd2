using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BounceAdmin.Features.Api;

/// <summary>
/// Errors of <c>/api/v1</c> as RFC 9457 problem details (<c>application/problem+json</c>), never an HTML page, a login
/// redirect or a stack trace.
/// </summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    /// <summary>A problem-details result for an endpoint to return.</summary>
    public static IResult Result(int status, string detail, string? title = null, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(detail: detail, statusCode: status, title: title ?? TitleOf(status), extensions: extensions);

    /// <summary>Writes a problem-details body now (authentication, the rate limiter, the middleware).</summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = http.Request.Path };
        await JsonSerializer.SerializeAsync(http.Response.Body, problem, ApiJson.Options, http.RequestAborted);
    }

    public static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        413 => "Payload too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        _ when status >= 500 => "Server error",
        _ => "Error",
    };

    /// <summary>
    /// The middleware for <c>/api/v1</c>: turns off the app's HTML status pages there, gives every bodiless error (a
    /// binding failure, an unknown route, a wrong method) a problem-details body, and answers an unhandled exception with
    /// a 500 problem instead of a stack trace. Runs after authentication, so it never sees a login redirect either.
    /// </summary>
    public static IApplicationBuilder UseApiProblems(this IApplicationBuilder app)
        => app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments(ApiV1.Prefix))
            {
                await next(http);
                return;
            }

            if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            try
            {
                await next(http);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !http.Response.HasStarted)
            {
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiProblems));
                logger.LogError(ex, "API request {Method} {Path} failed", http.Request.Method, http.Request.Path);
                http.Response.Clear();
                await WriteAsync(http, 500, TitleOf(500), "The request could not be completed; nothing of it was applied unless the answer said so. Try again later.");
                return;
            }

            if (http.Response.StatusCode >= 400 && !http.Response.HasStarted
                && http.Response.ContentLength is null && string.IsNullOrEmpty(http.Response.ContentType))
            {
                var status = http.Response.StatusCode;
                var detail = status switch
                {
                    400 => "The request could not be read: check the JSON body and the parameters against /openapi/v1.json.",
                    404 => "There is no such endpoint.",
                    405 => "This endpoint does not accept the method " + http.Request.Method + ".",
                    415 => "Send the body as application/json.",
                    _ => TitleOf(status),
                };
                await WriteAsync(http, status, TitleOf(status), detail);
            }
        });
}

/// <summary>The JSON of <c>/api/v1</c> (camelCase, web defaults) and a bounded body reader.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Reads and parses a JSON body of at most <paramref name="maxBytes"/>: a larger one is refused with 413 as soon as
    /// its Content-Length (or the bytes read so far) says so, without reading the rest; malformed JSON is 400 with
    /// where it went wrong. Exactly one of the two results is set.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, long maxBytes, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.Result(415, "Send the body as application/json."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, ApiProblems.Result(400, "The request has no body; send a JSON object."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return value is null ? (null, ApiProblems.Result(400, "The body is JSON null; send a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1}{(ex.Path is { Length: > 0 } p ? ", at " + p : "")})" : "";
            return (null, ApiProblems.Result(400, "The body is not valid JSON for this endpoint" + where + "."));
        }
    }

    private static IResult TooLarge(long maxBytes)
        => ApiProblems.Result(413, $"The body is larger than {maxBytes:N0} bytes; send smaller batches.");
}
