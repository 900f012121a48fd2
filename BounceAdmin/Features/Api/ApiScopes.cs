namespace BounceAdmin.Features.Api;

/// <summary>
/// The scopes an API key can carry (SPEC §6, `/api/v1`). Each scope is also the name of the authorization policy that
/// an endpoint requires; a key authenticates under <see cref="Scheme"/> and carries one <see cref="ScopeClaim"/> claim per scope.
/// </summary>
public static class ApiScopes
{
    /// <summary>The authentication scheme of API keys (<c>Authorization: Bearer KEY</c>).</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The claim type that lists a key's scopes, one claim per scope.</summary>
    public const string ScopeClaim = "scope";

    /// <summary>Read mailability, a person's bounce fields and the suppression list.</summary>
    public const string MailabilityRead = "mailability:read";

    /// <summary>Post sends and engagement events.</summary>
    public const string EventsWrite = "events:write";

    /// <summary>Create and update people.</summary>
    public const string PeopleWrite = "people:write";

    /// <summary>Every scope, in the order the UI lists them.</summary>
    public static readonly IReadOnlyList<string> All = [MailabilityRead, EventsWrite, PeopleWrite];
}
