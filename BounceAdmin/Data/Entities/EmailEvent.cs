namespace BounceAdmin.Data.Entities;

/// <summary>Delivery and engagement events of a send.</summary>
public enum EmailEventType
{
    Delivered = 1,
    Opened = 2,
    Clicked = 3,
    Unsubscribed = 4,
}

/// <summary>A delivery or engagement event of one send (bounces are <see cref="BounceEvent"/>s).</summary>
public sealed partial class EmailEvent
{
    public long Id { get; set; }
    public long SendId { get; set; }
    public EmailSend? Send { get; set; }
    public int PersonId { get; set; }
    public int EmailId { get; set; }
    public EmailEventType Type { get; set; }
    public DateTime OccurredAt { get; set; }
}
