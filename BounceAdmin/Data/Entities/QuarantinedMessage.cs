namespace BounceAdmin.Data.Entities;

/// <summary>A message that could not be read or applied, kept with its error so nothing is lost.</summary>
public sealed class QuarantinedMessage
{
    public long Id { get; set; }
    public required string Source { get; set; }
    public string? FileName { get; set; }
    public required string Error { get; set; }
    /// <summary>The message's first bytes (at most <c>BounceIngestService.MaxQuarantinedBytes</c>), or null when not kept.</summary>
    public byte[]? Content { get; set; }

    /// <summary>The size of the whole message or file, in bytes (issue 14: only its first MB is kept); null for rows stored before.</summary>
    public long? OriginalSizeBytes { get; set; }

    /// <summary>SHA-256 of the whole message or file, lower-case hex; null for rows stored before.</summary>
    public string? ContentSha256 { get; set; }
    public DateTime ReceivedAt { get; set; }
}
