using System.Text.Json.Serialization;

namespace BounceAdmin.Features.Bounces.Ingestion;

/// <summary>
/// The counts of one ingest run, as the <c>ingest</c> command prints them on its last line and the upload shows them.
/// </summary>
public sealed class IngestSummary
{
    /// <summary>Messages read (files, mbox entries, zip entries).</summary>
    [JsonPropertyName("messages")] public int Messages { get; set; }

    /// <summary>Recipients the messages report as bounced (non-bounces excluded).</summary>
    [JsonPropertyName("bounces")] public int Bounces { get; set; }

    /// <summary>Bounces recorded against a person for the first time.</summary>
    [JsonPropertyName("applied")] public int Applied { get; set; }

    /// <summary>Bounces and non-bounces already ingested before; nothing changed.</summary>
    [JsonPropertyName("duplicates")] public int Duplicates { get; set; }

    /// <summary>Bounces whose recipient matches no person; kept for re-matching.</summary>
    [JsonPropertyName("unmatched")] public int Unmatched { get; set; }

    /// <summary>Recipients of auto-replies, delivery confirmations and complaints.</summary>
    [JsonPropertyName("notBounces")] public int NotBounces { get; set; }

    /// <summary>Messages that could not be read or applied; each is kept in the quarantine with its error.</summary>
    [JsonPropertyName("errors")] public int Errors { get; set; }

    public void Add(IngestSummary other)
    {
        Messages += other.Messages;
        Bounces += other.Bounces;
        Applied += other.Applied;
        Duplicates += other.Duplicates;
        Unmatched += other.Unmatched;
        NotBounces += other.NotBounces;
        Errors += other.Errors;
    }
}

[JsonSerializable(typeof(IngestSummary))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
