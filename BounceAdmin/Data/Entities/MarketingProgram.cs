namespace BounceAdmin.Data.Entities;

/// <summary>A marketing program (folder) that owns emails.</summary>
public sealed class MarketingProgram
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<Email> Emails { get; set; } = [];
}
