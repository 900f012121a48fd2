namespace BounceAdmin.Data.Entities;

/// <summary>A message that could not be read or applied, kept with its error so nothing is lost.</summary>
public sealed class QuarantinedMessage
{
    public long Id { get; set; }
    public required string Source { get; set; }
    public string? FileName { get; set; }
    public required string Error { get; set; }
    public byte[]? Content { get; set; }
    public DateTime ReceivedAt { get; set; }
}
