namespace BounceAdmin.Data.Entities;

/// <summary>
/// The sends of one email on one UTC day (of Sent Date), counted by outcome per send: the maintained aggregate behind the
/// Email Performance Report. Each send counts once here; repeated sends of one email to one person (see
/// <see cref="EmailRepeatPair"/>) are merged into one pair by the report.
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

/// <summary>An (email, person) pair with more than one send: the report merges their sends into one pair (rare).</summary>
public sealed class EmailRepeatPair
{
    public int EmailId { get; set; }
    public int PersonId { get; set; }
}
