using BounceAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Health;

public static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: 200 with a small JSON body when the database answers, 503 otherwise. No login needed.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", async (IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct) =>
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var ok = await db.Database.CanConnectAsync(ct)
                    && await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct) == 1;
                return ok
                    ? Results.Json(new { status = "healthy", database = "ok" })
                    : Results.Json(new { status = "unhealthy", database = "unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "unhealthy", database = "error" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous().DisableAntiforgery();
        return endpoints;
    }
}
