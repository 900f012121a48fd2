namespace BounceAdmin.Features.Bench;

/// <summary>Indexes the bench found necessary beyond the model's; created by the builder after the bulk load.</summary>
internal static class BenchIndexes
{
    /// <summary>
    /// Partial indexes repeat the grid's always-present <c>NOT IsDeleted</c> (and the status predicate) in their WHERE, so
    /// SQLite can use them for EF's bare-boolean predicates (<c>WHERE NOT "p"."IsDeleted" AND "p"."EmailInvalid"</c>), which a
    /// plain index on a boolean column never serves. Each one delivers its sort order including the Id tie-breaker, so a
    /// deep page is a skip along the index and the count is an index-only scan.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Sql)> Proposed = [];

    /// <summary>
    /// The indexes proposed earlier under these names, now part of the model (PersonConfiguration, EmailSendConfiguration
    /// under IX_ names): a reused database drops them so each index is maintained once.
    /// </summary>
    public static readonly IReadOnlyList<string> NowInModel =
        ["BX_People_Live_Domain_Email", "BX_People_Invalid_Name", "BX_People_Mailable_Email", "BX_People_Live_Created", "BX_People_Deleted",
            "BX_Sends_EmailId_SentAt"];
}
