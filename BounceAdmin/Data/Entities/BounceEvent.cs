namespace BounceAdmin.Data.Entities;

/// <summary>What happened when the bounce was applied to its person.</summary>
public enum BounceOutcome
{
    /// <summary>Matched and applied; <see cref="BounceEvent.Changes"/> says what changed (may be nothing).</summary>
    Applied = 0,
    /// <summary>No person has the recipient address; kept so it can be re-matched later.</summary>
    Unmatched = 1,
    /// <summary>Not a bounce (delivery report, auto-reply, complaint); no bounce field changes.</summary>
    NotABounce = 2,
    /// <summary>Unverified (matches no send of ours) under <c>Bounces:UnverifiedPolicy</c> = review: kept, nothing changed, until an Admin approves or rejects it.</summary>
    Held = 3,
    /// <summary>Unverified and ignored (<c>Bounces:UnverifiedPolicy</c> = ignore), or rejected by an Admin: kept for the record, nothing changed.</summary>
    Ignored = 4,
}

/// <summary>A bounce received from a mail system, classified, and what it changed.</summary>
public sealed class BounceEvent
{
    public long Id { get; set; }

    /// <summary>The matched person, or null while unmatched.</summary>
    public int? PersonId { get; set; }
    public Person? Person { get; set; }

    /// <summary>The exact send the bounce answers, when the returned headers allow matching it.</summary>
    public long? SendId { get; set; }
    public EmailSend? Send { get; set; }

    /// <summary>Redundant copy of the send's email, so reports need no join.</summary>
    public int? EmailId { get; set; }

    /// <summary>Bounced address, lower case.</summary>
    public required string Recipient { get; set; }

    /// <summary>The receiving domain (the part after @).</summary>
    public required string RecipientDomain { get; set; }

    /// <summary>1, 2, 3, 4 or 9 (SPEC §3); null when not a bounce or a message fault.</summary>
    public int? Category { get; set; }

    /// <summary>Sisimai-style reason name in lower case, e.g. <c>userunknown</c>.</summary>
    public required string Reason { get; set; }

    public BounceKind Kind { get; set; }

    /// <summary>Whether the failure was permanent (true), temporary (false) or not said (null); SPEC §3.</summary>
    public bool? Permanent { get; set; }

    /// <summary>Enhanced status code (RFC 3463), e.g. 5.1.1.</summary>
    public string? Status { get; set; }

    /// <summary>SMTP reply code (RFC 5321), e.g. 550.</summary>
    public int? ReplyCode { get; set; }

    public string? Diagnostic { get; set; }
    public string? RemoteMta { get; set; }

    /// <summary>Where it came from: dsn, upload, cli, webhook:ses, demo, ...</summary>
    public required string Source { get; set; }

    /// <summary>Identifier of the classifier rule that decided, with its explanation.</summary>
    public string? Rule { get; set; }
    public string? RuleExplanation { get; set; }

    /// <summary>Message-ID of the original (bounced) message, when returned.</summary>
    public string? OriginalMessageId { get; set; }

    /// <summary>When the bounce happened (UTC): the report's arrival or last-attempt time.</summary>
    public DateTime OccurredAt { get; set; }

    /// <summary>
    /// The time the bounce itself claimed (UTC; the message's date or the webhook's timestamp), kept as it came; null for
    /// bounces stored before it was kept. <see cref="OccurredAt"/> is this time clamped to the time received.
    /// </summary>
    public DateTime? ClaimedOccurredAt { get; set; }

    /// <summary>
    /// The bounce matches no send of ours for its address (no Message-ID or X-BounceAdmin-Send of a send to it, and no send
    /// to the person in the 30 days before): anyone can write to a bounce mailbox, so it is marked (SPEC §4, issue 14).
    /// </summary>
    public bool Unverified { get; set; }

    /// <summary>When BounceAdmin took it in (UTC).</summary>
    public DateTime ReceivedAt { get; set; }

    /// <summary>Unique key: the same bounce ingested twice is recognised and changes nothing.</summary>
    public required string DedupKey { get; set; }

    public BounceOutcome Outcome { get; set; }

    /// <summary>Human-readable list of what applying this bounce changed on the person, or null for nothing.</summary>
    public string? Changes { get; set; }

    /// <summary>A Category 2 bounce whose evidence suggests a spam filter, not a dead address.</summary>
    public bool SuspectedFalsePositive { get; set; }
}
