namespace BounceAdmin.Features.Mailability;

/// <summary>The body of <c>POST /api/v1/mailability</c>: up to <see cref="MailabilityService.MaxBatch"/> addresses.</summary>
public sealed record MailabilityRequest(IReadOnlyList<string?>? Addresses);

/// <summary>
/// One address's answer, in the order asked. <see cref="Reason"/> is null when mailable, <c>unknown</c> for an address
/// nobody has, <c>invalidAddress</c> for one that is not an address, otherwise the first of <see cref="Reasons"/>
/// (<c>blocklisted</c>, <c>emailInvalid</c>, <c>marketingSuspended</c>, <c>unsubscribed</c>, <c>emailSuspended</c>).
/// <see cref="MailableAgainAt"/> is set when the only reason is a suspension, which ends by itself then.
/// </summary>
public sealed record MailabilityAnswer(string Email, bool Mailable, string? Reason, IReadOnlyList<string> Reasons, DateTimeOffset? MailableAgainAt);

/// <summary>How many answers of each kind a batch got.</summary>
public sealed record MailabilityCounts(int Mailable, int NotMailable, int Unknown, int Invalid);

/// <summary>The answer of <c>POST /api/v1/mailability</c>.</summary>
public sealed record MailabilityResponse(IReadOnlyList<MailabilityAnswer> Results, MailabilityCounts Counts);

/// <summary>The last bounce of a person: its reason (Sisimai name), category (SPEC §3; null when none), time, permanence.</summary>
public sealed record LastBounceView(string Reason, int? Category, DateTimeOffset At, bool? Permanent);

/// <summary>The answer of <c>GET /api/v1/people/{email}</c>: the five bounce fields of SPEC §2 and the derived mailability.</summary>
public sealed record PersonMailabilityView(
    string Email,
    bool EmailSuspended,
    string? EmailSuspendedCause,
    DateTimeOffset? EmailSuspendedAt,
    bool EmailInvalid,
    string? EmailInvalidCause,
    bool Unsubscribed,
    bool MarketingSuspended,
    bool Blocklisted,
    bool SuspendedNow,
    bool Mailable,
    string? Reason,
    IReadOnlyList<string> Reasons,
    DateTimeOffset? MailableAgainAt,
    LastBounceView? LastBounce);

/// <summary>One row of the suppression list: an address not mailable now, why, until when (if it ends), last changed.</summary>
public sealed record SuppressionRow(string Email, string Reason, IReadOnlyList<string> Reasons, DateTimeOffset? MailableAgainAt, DateTimeOffset ChangedAt);

/// <summary>The request asked for more than the API takes at once (413).</summary>
public sealed class BatchTooLargeException(string message) : Exception(message);
