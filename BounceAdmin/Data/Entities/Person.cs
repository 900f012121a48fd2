namespace BounceAdmin.Data.Entities;

/// <summary>A person of the marketing database, with the five bounce fields of SPEC §2 as explicit columns.</summary>
public sealed partial class Person
{
    public int Id { get; set; }

    /// <summary>The email address as entered; null when the person has none.</summary>
    public string? Email { get; set; }

    /// <summary>Lower-case copy of <see cref="Email"/>, the key bounces are matched on (case-insensitive).</summary>
    public string? EmailNormalized { get; set; }

    /// <summary>The domain part of <see cref="EmailNormalized"/>, kept for domain filters and reports.</summary>
    public string? EmailDomain { get; set; }

    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }

    /// <summary>Set by a Category 1 (block/spam) hard bounce. Never cleared by anyone: it is history.</summary>
    public bool EmailSuspended { get; set; }

    /// <summary>The bounce message of the most recent suspending bounce.</summary>
    public string? EmailSuspendedCause { get; set; }

    /// <summary>UTC time of the most recent suspending bounce; only moves forward.</summary>
    public DateTime? EmailSuspendedAt { get; set; }

    /// <summary>Set by a Category 2 (address invalid) hard bounce; cleared only by an Admin, with a reason.</summary>
    public bool EmailInvalid { get; set; }

    /// <summary>SMTP code, enhanced status and diagnostic of the bounce that made the address invalid.</summary>
    public string? EmailInvalidCause { get; set; }

    public bool Unsubscribed { get; set; }
    public bool MarketingSuspended { get; set; }
    public bool Blocklisted { get; set; }

    /// <summary>Soft-deleted people are kept for history and can be hidden from reports.</summary>
    public bool IsDeleted { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every save of the row.</summary>
    public long Version { get; set; }
}
