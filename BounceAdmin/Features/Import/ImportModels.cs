using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.Import;

/// <summary>One column of the file: its position, its header text and the field it fills.</summary>
public sealed record ImportColumn(int Index, string Header, ImportField Field);

/// <summary>What the file looks like before any mapping: how it was read, its columns (with the detected mapping) and its first rows.</summary>
/// <param name="Format">How the file was read, e.g. "CSV, UTF-8 with BOM, delimiter ';'".</param>
/// <param name="Columns">Every column, mapped as detected from its header or as this user mapped it last time.</param>
/// <param name="FirstRows">The first data rows, cell by cell as read.</param>
/// <param name="RememberedMapping">True when at least one column was mapped from this user's previous import.</param>
public sealed record ImportInspection(string FileName, string Format, IReadOnlyList<ImportColumn> Columns,
    IReadOnlyList<IReadOnlyList<string?>> FirstRows, bool RememberedMapping);

/// <summary>How to import a file.</summary>
/// <param name="Name">The import batch's name (defaults to the file name and the time).</param>
/// <param name="ClearEmailInvalid">
/// Uncheck Email Invalid where the file says false and the database says true. Off by default; needs <paramref name="ClearEmailInvalidReason"/>.
/// </param>
/// <param name="ClearEmailInvalidReason">Why those addresses are known to be valid; written on each audit entry.</param>
/// <param name="BatchSize">Rows per transaction.</param>
public sealed record ImportOptions(string? Name = null, bool ClearEmailInvalid = false, string? ClearEmailInvalidReason = null, int BatchSize = 5_000);

/// <summary>What became of one row.</summary>
public enum ImportRowOutcome
{
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// <summary>
/// A row the import rejected (nothing of it was written) or imported only in part (a field the file may not change, such
/// as clearing Email Suspended, was kept).
/// </summary>
/// <param name="Row">The row number as a spreadsheet shows it: the header is row 1.</param>
/// <param name="Rejected">True when the whole row was left out; false when the row was imported but one field was kept.</param>
/// <param name="Cells">The row's cells as read, for the rejected-rows download.</param>
public sealed record ImportIssue(int Row, string? Email, string Reason, bool Rejected, IReadOnlyList<string?> Cells);

/// <summary>A data row as the import understood it (the preview's first rows).</summary>
public sealed record ImportParsedRow(int Row, ImportRowOutcome Outcome, string? Email, string? FirstName, string? LastName, string? Company,
    bool? Unsubscribed, bool? Blocklisted, bool? MarketingSuspended, bool? EmailSuspended, string? EmailSuspendedCause,
    DateTime? EmailSuspendedAt, bool? EmailInvalid, string? EmailInvalidCause, string? Note);

/// <summary>The counts of an import or of its preview (<c>{"rows":N,"created":N,"updated":N,"unchanged":N,"rejected":N}</c>).</summary>
public sealed record ImportCounts(int Rows, int Created, int Updated, int Unchanged, int Rejected);

/// <summary>Progress of a preview or an import, reported every batch.</summary>
/// <param name="Fraction">How far through the file (0–1), from the bytes read.</param>
public sealed record ImportProgress(ImportCounts SoFar, double Fraction, double RowsPerSecond, TimeSpan Elapsed);

/// <summary>The outcome of a preview (nothing written) or an import.</summary>
/// <param name="BatchId">The import batch (null for a preview).</param>
/// <param name="Status">Completed, Cancelled or Failed (a preview is Completed).</param>
/// <param name="FirstRows">The first rows as parsed, with what would happen to each.</param>
/// <param name="Issues">Rejected rows and rows imported in part, in file order (at most <see cref="PeopleImportService.MaxIssuesKept"/>).</param>
/// <param name="IssuesOmitted">Issues beyond that limit, counted but not kept.</param>
/// <param name="TimesWithoutOffset">Times in the file that had no UTC offset and were read as UTC.</param>
/// <param name="Warnings">Rows imported in part (a field kept), counted in full.</param>
public sealed record ImportResult(int? BatchId, ImportBatchStatus Status, ImportCounts Counts, string Format,
    IReadOnlyList<ImportParsedRow> FirstRows, IReadOnlyList<ImportIssue> Issues, int IssuesOmitted, int TimesWithoutOffset,
    int Warnings, double Seconds, string? Error)
{
    public double RowsPerSecond => Seconds > 0 ? Counts.Rows / Seconds : 0;
}

/// <summary>A past import, for the list on the import page.</summary>
public sealed record ImportBatchRow(int Id, string Name, string FileName, string CreatedBy, DateTime StartedAt, DateTime? FinishedAt,
    ImportBatchStatus Status, int Rows, int Created, int Updated, int Unchanged, int Rejected, string? Error);

/// <summary>A file that cannot be imported at all (wrong encoding, not a table, too large): a message for the user, nothing written.</summary>
public sealed class ImportFileException(string message, Exception? inner = null) : Exception(message, inner);
