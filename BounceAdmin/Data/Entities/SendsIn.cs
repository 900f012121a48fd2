namespace BounceAdmin.Data.Entities;

// The columns that sends and engagement coming in from other systems need (issue 12 point 2): the sender's own ids,
// by which a resend is recognised and events are matched. Kept apart from the entities' original files.

public sealed partial class Email
{
    /// <summary>The sending platform's id of this email asset, when it gave one; unique.</summary>
    public string? ExternalId { get; set; }
}

public sealed partial class EmailSend
{
    /// <summary>The sending platform's id of this send, when it gave one; unique, so posting the send again changes nothing.</summary>
    public string? ExternalId { get; set; }
}

public sealed partial class EmailEvent
{
    /// <summary>
    /// Stable key of this event (the provider's event id, the caller's external id, or send + type + time): the same event
    /// posted twice is stored once. Null for rows written before events came in through the API (seeder, bench).
    /// </summary>
    public string? DedupKey { get; set; }
}
