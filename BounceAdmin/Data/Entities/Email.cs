namespace BounceAdmin.Data.Entities;

/// <summary>An email asset of a program.</summary>
public sealed partial class Email
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public MarketingProgram? Program { get; set; }
    public required string Name { get; set; }
    public string? Subject { get; set; }
    public DateTime CreatedAt { get; set; }
}
