namespace BounceAdmin.Data.Entities;

/// <summary>Where an import stands.</summary>
public enum ImportBatchStatus
{
    /// <summary>Rows are being written; the counts are those of the batches committed so far.</summary>
    Running = 0,
    Completed = 1,

    /// <summary>Stopped by the user: every batch committed before the cancel is whole, the rest was not written.</summary>
    Cancelled = 2,

    /// <summary>Stopped by an error (see <see cref="ImportBatch.Error"/>): every batch committed before it is whole.</summary>
    Failed = 3,
}

/// <summary>
/// One import of a file of people (issue 12): who imported what and when, and what came of it. The people it created
/// point to it (<see cref="Person.ImportBatchId"/>), so bounce rates can be reported per source.
/// </summary>
public sealed class ImportBatch
{
    public int Id { get; set; }

    /// <summary>A name the Admin gives the import (defaults to the file name and date).</summary>
    public required string Name { get; set; }

    /// <summary>The file's name as uploaded or given on the command line (no folder).</summary>
    public required string FileName { get; set; }

    /// <summary>The user who ran the import (their email, or <c>cli</c>).</summary>
    public required string CreatedBy { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public ImportBatchStatus Status { get; set; }

    /// <summary>Data rows read (not counting the header).</summary>
    public int Rows { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Rejected { get; set; }

    /// <summary>The column mapping used, as JSON (header text → field); the next import of the same user starts from it.</summary>
    public string? Mapping { get; set; }

    /// <summary>Why a failed import stopped.</summary>
    public string? Error { get; set; }

    /// <summary>Shared by the audit entries the import wrote (<see cref="AuditEntry.BatchId"/>).</summary>
    public Guid AuditBatchId { get; set; }
}
