namespace BounceAdmin.Data.Entities;

/// <summary>One email sent to one person. A person may receive the same email more than once.</summary>
public sealed class EmailSend
{
    public long Id { get; set; }
    public int EmailId { get; set; }
    public Email? Email { get; set; }
    public int PersonId { get; set; }
    public Person? Person { get; set; }
    public DateTime SentAt { get; set; }

    /// <summary>The Message-ID header of the sent message, used to match returned bounces to this send.</summary>
    public string? MessageId { get; set; }
}
