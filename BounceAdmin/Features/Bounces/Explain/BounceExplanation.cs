using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.Bounces.Explain;

/// <summary>
/// Everything the "why" panel of the Bounces page shows about one bounce: what the receiver said, what it means, which
/// rule classified it, what it changed on the person, and what to do next.
/// </summary>
/// <param name="ReasonText">One plain sentence for <paramref name="Reason"/>.</param>
/// <param name="ReplyCodeText">What the SMTP reply code means, if there is one.</param>
/// <param name="Status">The enhanced status code decoded (from the bounce, or found in its diagnostic).</param>
/// <param name="OutcomeText">What applying the bounce did, in words.</param>
/// <param name="Changes">Each field change the bounce made ("Email Invalid: false → true"); empty when nothing changed.</param>
/// <param name="NoChangeReason">Why nothing changed, when <paramref name="Changes"/> is empty.</param>
/// <param name="NextSteps">Suggested next steps, most important first.</param>
/// <param name="ClaimedOccurredAt">The time the bounce itself claimed, when it differs from <paramref name="OccurredAt"/> (it was clamped to the time received).</param>
/// <param name="Unverified">The bounce matches no send of ours for its address (issue 14).</param>
/// <param name="Permanent">Whether the failure was permanent, temporary, or not said.</param>
public sealed record BounceExplanation(
    long Id,
    string Recipient,
    string RecipientDomain,
    DateTime OccurredAt,
    DateTime ReceivedAt,
    string Source,
    int? Category,
    string CategoryText,
    BounceKind Kind,
    string Reason,
    string ReasonText,
    string? Diagnostic,
    int? ReplyCode,
    string? ReplyCodeText,
    EnhancedStatus? Status,
    string? Rule,
    string? RuleExplanation,
    BounceOutcome Outcome,
    string OutcomeText,
    IReadOnlyList<string> Changes,
    string? NoChangeReason,
    int? PersonId,
    string? PersonName,
    string? PersonEmail,
    long? SendId,
    string? EmailName,
    DateTime? SentAt,
    string? RemoteMta,
    string? OriginalMessageId,
    bool SuspectedFalsePositive,
    IReadOnlyList<string> NextSteps,
    DateTime? ClaimedOccurredAt = null,
    bool Unverified = false,
    bool? Permanent = null)
{
    /// <summary><see cref="Permanent"/> in words, for the panel.</summary>
    public string PermanenceText => Permanent switch
    {
        true => "permanent failure",
        false => "temporary failure (the sender retries; it changes none of the five fields)",
        null => "permanent or temporary: not stated by the bounce",
    };
}
