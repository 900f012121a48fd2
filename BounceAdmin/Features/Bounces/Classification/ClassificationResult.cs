using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;

namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>
/// The classification of one message: either <see cref="Error"/> (the message could not be read) or one
/// <see cref="ClassifiedRecipient"/> per recipient the report speaks about, in the order the report lists them.
/// </summary>
/// <param name="Error">Why the message could not be classified; null when it could.</param>
/// <param name="Recipients">The recipients; empty when <paramref name="Error"/> is set.</param>
public sealed record ClassificationResult(string? Error, IReadOnlyList<ClassifiedRecipient> Recipients)
{
    /// <summary>The bounce message's own Message-ID (without angle brackets), for a dedup key; null when absent.</summary>
    public string? BounceMessageId { get; init; }

    /// <summary>The bounce message's own Date header in UTC, when present and valid: a fallback for when the bounce happened.</summary>
    public DateTime? BounceDate { get; init; }

    /// <summary>True when the message was read and classified.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A result for a message that could not be read.</summary>
    public static ClassificationResult Failed(string error) => new(error, []);
}

/// <summary>
/// What a report says about one recipient, and which rule decided its reason.
/// <see cref="Category"/> and <see cref="Kind"/> come from <see cref="BounceTaxonomy"/>.
/// </summary>
/// <param name="Recipient">The recipient address in lower case; null when the report does not name it (complaints, auto-replies, some MTAs).</param>
/// <param name="Reason">A reason of <see cref="BounceTaxonomy"/> (Sisimai v5 names), e.g. <c>userunknown</c>, <c>vacation</c>.</param>
/// <param name="Category">1, 2, 3, 4, 9, or null for non-bounces.</param>
/// <param name="Kind">Hard, soft, or none (non-bounces).</param>
/// <param name="Status">Enhanced status code (RFC 3463), e.g. <c>5.1.1</c>, when the report carries one.</param>
/// <param name="ReplyCode">SMTP reply code (RFC 5321), e.g. 550, when the report carries one.</param>
/// <param name="Diagnostic">The remote server's diagnostic text (whitespace collapsed), or the bounce text that explains the failure.</param>
/// <param name="RemoteMta">The host that refused the message, when known.</param>
/// <param name="LastAttempt">When delivery was last attempted (UTC), when known.</param>
/// <param name="Action">The RFC 3464 Action (failed, delayed, delivered, relayed, expanded), when the report has one.</param>
/// <param name="OriginalMessageId">Message-ID of the bounced (original) message, when the report returned its headers.</param>
/// <param name="SendId">Our own send id from the returned <c>X-BounceAdmin-Send</c> header.</param>
/// <param name="Rule">Stable id of the rule that decided the reason, e.g. <c>status:5.1.1</c> or <c>text:userunknown</c>.</param>
/// <param name="RuleExplanation">A short human explanation of that decision.</param>
public sealed record ClassifiedRecipient(
    string? Recipient,
    string Reason,
    int? Category,
    BounceKind Kind,
    string? Status,
    int? ReplyCode,
    string? Diagnostic,
    string? RemoteMta,
    DateTime? LastAttempt,
    string? Action,
    string? OriginalMessageId,
    long? SendId,
    string Rule,
    string RuleExplanation)
{
    /// <summary>
    /// Whether the failure is permanent (true), temporary (false) or not said (null); categories 1 and 2 need a
    /// permanent one (SPEC §3, <see cref="BounceTaxonomy.CategoryOf(string?, bool?)"/>).
    /// </summary>
    public bool? Permanent { get; init; }
}
