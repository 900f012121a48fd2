namespace BounceAdmin.Data.Entities;

/// <summary>The import a person came from (issue 12), in a file of its own so the entity's other changes merge cleanly.</summary>
public sealed partial class Person
{
    /// <summary>
    /// The <see cref="Entities.ImportBatch"/> that created this person; null for people created otherwise (demo data, by
    /// hand). A plain indexed column without a foreign-key constraint: SQLite cannot add a constraint to an existing
    /// table, and EF's table rebuild would drop the People triggers (the search index, the suspension guards).
    /// Import batches are never deleted.
    /// </summary>
    public int? ImportBatchId { get; set; }
}
