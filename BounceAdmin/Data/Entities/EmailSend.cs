namespace BounceAdmin.Data.Entities;

/// <summary>One email sent to one person. A person may receive the same email more than once.</summary>
public sealed partial class EmailSend
{
    public long Id { get; set; }
    public int EmailId { get; set; }
    public Email? Email { get; set; }
    public int PersonId { get; set; }
    public Person? Person { get; set; }
    public DateTime SentAt { get; set; }

    /// <summary>The Message-ID header of the sent message, used to match returned bounces to this send.</summary>
    public string? MessageId { get; set; }

    /// <summary>
    /// What the Email Performance Report knows of this send, as bits (<see cref="SendReportFlags"/>): its bounces, delivery
    /// and engagement. Maintained with the events by <c>EmailStats</c> (Features/Reports) in the same transaction; 0 means
    /// no outcome yet (Pending).
    /// </summary>
    public int ReportFlags { get; set; }
}

/// <summary>The bits of <see cref="EmailSend.ReportFlags"/>.</summary>
[Flags]
public enum SendReportFlags
{
    None = 0,
    /// <summary>A soft bounce belongs to the send (same value as <see cref="BounceKind.Soft"/>).</summary>
    SoftBounced = 1,
    /// <summary>A hard bounce belongs to the send (same value as <see cref="BounceKind.Hard"/>).</summary>
    HardBounced = 2,
    Delivered = 4,
    /// <summary>Opened, clicked or unsubscribed (a click or unsubscribe implies an open, SPEC §5 rule 3).</summary>
    Opened = 8,
    Clicked = 16,
    Unsubscribed = 32,
}
