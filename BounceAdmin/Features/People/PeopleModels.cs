using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.People;

/// <summary>The status filter of the people list; each one is translated to SQL by <see cref="PeopleService"/>.</summary>
public enum PeopleStatusFilter
{
    /// <summary>Email Invalid is checked.</summary>
    Invalid,

    /// <summary>Suspended now: Email Suspended At is within the last 24 hours.</summary>
    Suspended,

    /// <summary>Not mailable for any reason of SPEC §2.</summary>
    Unmailable,

    /// <summary>Mailable: email present, not Blocklisted, Email Invalid, Marketing Suspended, Unsubscribed or suspended now.</summary>
    Mailable,
}

/// <summary>The columns the people list can be sorted on.</summary>
public enum PeopleSortField
{
    Email,
    LastName,
    Company,
    CreatedAt,
    UpdatedAt,
    EmailSuspendedAt,
}

/// <summary>One page of the people list.</summary>
/// <param name="Text">
/// Search text. Containing '@': an email prefix ("ann@ex" finds "ann@example.com"); starting with '@': a domain prefix
/// ("@example" finds every address at example.com, example.org, ...). Otherwise every word must match an email prefix or
/// appear anywhere in the first name, last name or company (case-insensitive). Blank: everybody.
/// </param>
/// <param name="Status">Optional status filter.</param>
/// <param name="Page">Zero-based page number.</param>
/// <param name="PageSize">Rows per page, 1 to <see cref="PeopleQuery.MaxPageSize"/>.</param>
/// <param name="SortBy">Sort column; ties are broken by id.</param>
/// <param name="Descending">Sort direction.</param>
/// <param name="IncludeDeleted">Also list soft-deleted people.</param>
public sealed record PeopleQuery(
    string? Text = null,
    PeopleStatusFilter? Status = null,
    int Page = 0,
    int PageSize = 25,
    PeopleSortField SortBy = PeopleSortField.Email,
    bool Descending = false,
    bool IncludeDeleted = false)
{
    public const int MaxPageSize = 200;

    /// <summary>Reads the <c>status</c> query-string value (invalid, suspended, unmailable, mailable); anything else is no filter.</summary>
    public static PeopleStatusFilter? ParseStatus(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "invalid" => PeopleStatusFilter.Invalid,
        "suspended" => PeopleStatusFilter.Suspended,
        "unmailable" => PeopleStatusFilter.Unmailable,
        "mailable" => PeopleStatusFilter.Mailable,
        _ => null,
    };

    /// <summary>The <c>status</c> query-string value of a filter, lower case.</summary>
    public static string? StatusToQuery(PeopleStatusFilter? status) => status?.ToString().ToLowerInvariant();
}

/// <summary>One row of the people list, with the bounce flags and the derived status.</summary>
public sealed record PersonRow(
    int Id,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Company,
    bool EmailSuspended,
    DateTime? EmailSuspendedAt,
    bool EmailInvalid,
    bool Unsubscribed,
    bool MarketingSuspended,
    bool Blocklisted,
    bool IsDeleted,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    PersonStatus Status)
{
    public string Name => string.Join(' ', new[] { FirstName, LastName }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

/// <summary>A page of <see cref="PersonRow"/>s and the number of people matching the query.</summary>
public sealed record PeopleSearchResult(IReadOnlyList<PersonRow> Items, int TotalCount);

/// <summary>One person with the five bounce fields, the derived status (at the time of reading) and the version.</summary>
public sealed record PersonDetails(
    int Id,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Company,
    bool EmailSuspended,
    string? EmailSuspendedCause,
    DateTime? EmailSuspendedAt,
    bool EmailInvalid,
    string? EmailInvalidCause,
    bool Unsubscribed,
    bool MarketingSuspended,
    bool Blocklisted,
    bool IsDeleted,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    long Version,
    PersonStatus Status)
{
    public string Name => string.Join(' ', new[] { FirstName, LastName }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

/// <summary>A bounce event of one person, as the Bounces tab shows it.</summary>
public sealed record PersonBounceRow(
    long Id,
    int? Category,
    string Reason,
    BounceKind Kind,
    string? Status,
    int? ReplyCode,
    string? Diagnostic,
    string Source,
    DateTime OccurredAt,
    BounceOutcome Outcome,
    string? Changes,
    string? Rule,
    string? RuleExplanation,
    bool SuspectedFalsePositive);

/// <summary>What an activity row is: a send or one of its delivery/engagement events.</summary>
public enum PersonActivityKind
{
    Sent = 0,
    Delivered = 1,
    Opened = 2,
    Clicked = 3,
    Unsubscribed = 4,
}

/// <summary>A send or an engagement event of one person.</summary>
public sealed record PersonActivityRow(DateTime At, PersonActivityKind Kind, string EmailName, long SendId);

/// <summary>A page of activity, newest first; <paramref name="HasMore"/> says whether older rows exist.</summary>
public sealed record PersonActivityPage(IReadOnlyList<PersonActivityRow> Items, bool HasMore);

/// <summary>An audit entry of one person: who, when, which field, old → new, why.</summary>
public sealed record PersonAuditRow(
    long Id,
    DateTime At,
    string Actor,
    long? BounceEventId,
    string Field,
    string? OldValue,
    string? NewValue,
    string Reason,
    Guid? BatchId);
