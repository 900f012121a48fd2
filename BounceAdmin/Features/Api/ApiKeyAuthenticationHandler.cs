using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Api;

/// <summary>
/// <c>Authorization: Bearer KEY</c> for <c>/api/v1</c>. No header: no result (the policy then challenges with 401). A
/// malformed, unknown, revoked or expired key: 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>. A key
/// without the endpoint's scope: 403 with <c>error="insufficient_scope"</c>. Both carry a problem-details body, and
/// nothing ever redirects to the login page.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Realm = "BounceAdmin";
    private ApiKeyFailure? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrWhiteSpace(value.Parameter))
        {
            _failure = ApiKeyFailure.Malformed;
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer KEY'.");
        }

        var check = await keys.CheckAsync(value.Parameter.Trim(), Context.RequestAborted);
        if (check.Key is null)
        {
            _failure = check.Failure;
            return AuthenticateResult.Fail($"API key refused: {check.Failure}.");
        }

        var principal = ApiCaller.PrincipalFor(check.Key);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (error, detail) = _failure switch
        {
            null => ((string?)null, "This API needs an API key: send 'Authorization: Bearer KEY'. An Admin creates keys on the API keys page."),
            ApiKeyFailure.Revoked => ("invalid_token", "The API key has been revoked."),
            ApiKeyFailure.Expired => ("invalid_token", "The API key has expired."),
            ApiKeyFailure.Malformed => ("invalid_token", "The Authorization header does not hold an API key ('Bearer ba_…')."),
            _ => ("invalid_token", "The API key is not valid."),
        };
        Response.Headers.WWWAuthenticate = error is null
            ? $"Bearer realm=\"{Realm}\""
            : $"Bearer realm=\"{Realm}\", error=\"{error}\", error_description=\"{detail}\"";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .Select(a => a.Policy).Where(p => p is not null && ApiScopes.All.Contains(p)).Distinct().ToList() ?? [];
        var scope = string.Join(' ', needed);
        Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"insufficient_scope\", scope=\"{scope}\"";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            needed.Count == 0 ? "The API key lacks the scope this endpoint needs." : $"The API key lacks the scope {scope}.");
    }
}
