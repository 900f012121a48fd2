using BounceAdmin.Features.Mailability;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BounceAdmin.Features.Api;

/// <summary>
/// The versioned REST API under <c>/api/v1</c>: API-key authentication, one policy per scope, the per-key rate limiter,
/// problem-details errors and the OpenAPI document. A feature adds endpoints with
/// <c>endpoints.MapApiV1().MapPost("/sends", …).RequireAuthorization(ApiScopes.EventsWrite)</c>.
/// </summary>
public static class ApiV1
{
    public const string Prefix = "/api/v1";

    /// <summary>The OpenAPI document's name: served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddScoped<ApiKeyService>();
        services.AddScoped<ApiCurrentUser>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);

        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiScopes.Scheme, null);
        services.AddAuthorization(o =>
        {
            foreach (var scope in ApiScopes.All)
            {
                o.AddPolicy(scope, p => p.AddAuthenticationSchemes(ApiScopes.Scheme).RequireAuthenticatedUser().RequireClaim(ApiScopes.ScopeClaim, scope));
            }
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, ApiKeyRateLimitPolicy>(ApiRateLimits.PerKey);
        });

        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info = new OpenApiInfo
                {
                    Title = "BounceAdmin API",
                    Version = DocumentName,
                    Description = "Mailability out, sends and engagement in. Authenticate with 'Authorization: Bearer KEY' (an Admin creates keys on /admin/api-keys).",
                };
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                doc.Components.SecuritySchemes[ApiScopes.Scheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key (ba_…) with the scope the operation names.",
                };
                return Task.CompletedTask;
            });
        });

        services.AddMailability();
        return services;
    }

    /// <summary>The middleware of the API: problem-details errors and the rate limiter (after authentication).</summary>
    public static IApplicationBuilder UseApi(this IApplicationBuilder app)
    {
        app.UseApiProblems();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// A route group under <c>/api/v1</c>: API keys only (never a cookie, never a redirect), the per-key rate limiter, no
    /// antiforgery (server-to-server), tagged for the OpenAPI document. Each endpoint adds its scope's policy.
    /// </summary>
    public static RouteGroupBuilder MapApiV1(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Prefix)
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiScopes.Scheme).RequireAuthenticatedUser().Build())
            .RequireRateLimiting(ApiRateLimits.PerKey)
            .DisableAntiforgery();
        return group;
    }

    /// <summary>The API's endpoints, the OpenAPI document and, in Development, the Scalar reference page at <c>/scalar</c>.</summary>
    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMailability();
        endpoints.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        if (endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            endpoints.MapScalarApiReference("/scalar", o => o.WithTitle("BounceAdmin API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        }

        return endpoints;
    }
}
