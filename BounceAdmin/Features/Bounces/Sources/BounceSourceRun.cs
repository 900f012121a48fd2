using BounceAdmin.Features.Bounces.Ingestion;

namespace BounceAdmin.Features.Bounces.Sources;

/// <summary>The outcome of one poll of an automatic source.</summary>
/// <param name="Succeeded">False when the poll failed as a whole (see <paramref name="Problem"/>); it is retried with back-off.</param>
/// <param name="Items">Files or mailbox messages taken and moved on.</param>
/// <param name="FailedItems">Files that could not be read and went to <c>failed/</c>.</param>
/// <param name="Summary">The ingest counts of the messages taken.</param>
/// <param name="Problem">What went wrong, friendly and without secrets; null when nothing did.</param>
public sealed record BounceSourceRun(bool Succeeded, int Items, int FailedItems, IngestSummary Summary, string? Problem)
{
    /// <summary>A failed poll.</summary>
    public static BounceSourceRun Failed(string problem) => new(false, 0, 0, new IngestSummary(), problem);
}

/// <summary>
/// A problem of the source itself (its folder is missing, the mailbox refused the sign-in) with a message fit for the
/// status line: the poll stops, nothing is moved, and the next poll tries again after a back-off.
/// </summary>
public sealed class BounceSourceException(string message, Exception? inner = null) : Exception(message, inner);
