namespace BounceAdmin.Data.Entities;

/// <summary>
/// Maintained aggregate for domain health: per UTC day and receiving domain, the sends and the bounces. Pure
/// increments, so concurrent writers never conflict on more than one row and a full rebuild gives the same numbers:
/// <see cref="Sent"/> grows by one per send (the domain of the person's address at send time, day of Sent Date); the
/// bounce counters grow by one per stored bounce event that has a category, matched to a person or not (day of the
/// bounce's OccurredAt, domain of its recipient). Kept by <c>DomainDailyStats</c> in Features/BounceHealth.
/// </summary>
public sealed class DomainDailyStat
{
    /// <summary>The UTC day (midnight, kind UTC).</summary>
    public DateTime Day { get; set; }

    /// <summary>The receiving domain, lower case.</summary>
    public required string Domain { get; set; }

    public int Sent { get; set; }

    /// <summary>Bounces of kind hard (Categories 1 and 2).</summary>
    public int HardBounced { get; set; }

    /// <summary>Bounces of kind soft that have a category (3, 4 and 9).</summary>
    public int SoftBounced { get; set; }

    /// <summary>Category 1: spam filter / block / policy.</summary>
    public int Category1 { get; set; }

    /// <summary>Category 2: address invalid.</summary>
    public int Category2 { get; set; }

    /// <summary>Category 3: temporary.</summary>
    public int Category3 { get; set; }

    /// <summary>Category 4: technical.</summary>
    public int Category4 { get; set; }

    /// <summary>Category 9: unknown.</summary>
    public int Category9 { get; set; }
}
