namespace BounceAdmin.Features.Bounces;

/// <summary>
/// A classified bounce on its way to a person: what every source (DSN ingest, upload, webhook, bench) hands to
/// <see cref="BounceRulesService"/>.
/// </summary>
/// <param name="Recipient">The bounced address; matched case-insensitively.</param>
/// <param name="Reason">A reason name of <see cref="BounceTaxonomy"/>; the category is derived from it.</param>
/// <param name="DedupKey">Stable key of this bounce: the same bounce ingested twice carries the same key.</param>
/// <param name="OccurredAt">When the bounce happened (UTC).</param>
/// <param name="OriginalMessageId">Message-ID of the bounced message, when the report returned it.</param>
/// <param name="SendId">The app's own send id (X-BounceAdmin-Send header), when returned.</param>
/// <param name="Permanent">
/// Whether the failure is permanent (true: 5.x.x, 5xx, Action failed, a provider's hard type), temporary (false) or
/// not said (null, then read from <paramref name="Status"/> and <paramref name="ReplyCode"/>). A temporary failure never
/// changes the five fields (SPEC §3).
/// </param>
public sealed record BounceInput(
    string Recipient,
    string Reason,
    string DedupKey,
    DateTime OccurredAt,
    string Source,
    string? Status = null,
    int? ReplyCode = null,
    string? Diagnostic = null,
    string? RemoteMta = null,
    string? Rule = null,
    string? RuleExplanation = null,
    string? OriginalMessageId = null,
    long? SendId = null,
    bool? Permanent = null);

/// <summary>What applying one bounce did.</summary>
public enum ApplyOutcome
{
    Applied,
    Duplicate,
    Unmatched,
    NotABounce,
    /// <summary>Unverified and kept for an Admin's review, or ignored (<see cref="BounceTrustOptions.UnverifiedPolicy"/>): nothing changed.</summary>
    Held,
}

public sealed record ApplyResult(ApplyOutcome Outcome, long? BounceEventId, int? PersonId, string? Changes);
