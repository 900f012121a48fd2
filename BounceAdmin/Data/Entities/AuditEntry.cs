namespace BounceAdmin.Data.Entities;

/// <summary>An immutable record of one change to one bounce field of a person.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public int PersonId { get; set; }
    public DateTime At { get; set; }

    /// <summary>The user's email, or <c>bounce</c> for automatic changes (then <see cref="BounceEventId"/> is set).</summary>
    public required string Actor { get; set; }
    public long? BounceEventId { get; set; }
    public BounceEvent? BounceEvent { get; set; }

    /// <summary>The field as labelled on the Person Info tab, e.g. "Email Invalid".</summary>
    public required string Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public required string Reason { get; set; }

    /// <summary>Groups the entries of one bulk operation, so it can be undone.</summary>
    public Guid? BatchId { get; set; }
}
