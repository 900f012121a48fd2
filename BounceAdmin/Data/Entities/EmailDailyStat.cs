namespace BounceAdmin.Data.Entities;

/// <summary>
/// The sends of one email on one UTC day (of Sent Date), counted by outcome per send: the maintained aggregate behind the
/// Email Performance Report. Each send counts once here; repeated sends of one email to one person (see
/// <see cref="EmailRepeatSend"/>) are merged into one pair by the report.
/// </summary>
public sealed class EmailDailyStat
{
    /// <summary>The UTC calendar day of the sends' Sent Date.</summary>
    public DateOnly Day { get; set; }
    public int EmailId { get; set; }
    public int Sent { get; set; }
    public int Delivered { get; set; }
    public int HardBounced { get; set; }
    public int SoftBounced { get; set; }
    /// <summary>Sends with no outcome yet (Aborted is decided at read time from the send's age).</summary>
    public int Pending { get; set; }
    public int Opened { get; set; }
    public int Clicked { get; set; }
    public int Unsubscribed { get; set; }
}

/// <summary>
/// A send of an (email, person) pair that has more than one send (rare), with a copy of its time and
/// <see cref="EmailSend.ReportFlags"/>: the report merges such sends into one pair, and reads them from here, in Sent Date
/// order, instead of seeking every repeated person's sends.
/// </summary>
public sealed class EmailRepeatSend
{
    public long SendId { get; set; }
    public int EmailId { get; set; }
    public int PersonId { get; set; }
    public DateTime SentAt { get; set; }
    public int ReportFlags { get; set; }
}
