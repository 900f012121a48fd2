namespace BounceAdmin.Features.Bounces.Sources;

/// <summary>
/// What one automatic bounce source (drop folder, IMAP mailbox) has done since the app started, as Admins see it.
/// Immutable: the board swaps whole snapshots, so a reader never sees half an update.
/// </summary>
/// <param name="Source">The source name written on every bounce and audit entry ("dropfolder", "imap").</param>
/// <param name="DisplayName">A human name ("Drop folder").</param>
/// <param name="Enabled">False when the source is not configured and does not run.</param>
/// <param name="Target">What it watches (a folder path, or host and mailbox folder); never a credential.</param>
/// <param name="ItemName">What one item is: "files", or "messages" when each item is one message (IMAP).</param>
/// <param name="LastRunAt">When the last poll ended (UTC), successful or not.</param>
/// <param name="LastSuccessAt">When the last poll that reached its folder or mailbox ended (UTC).</param>
/// <param name="LastError">The last problem, friendly and without secrets; null once a later poll had none.</param>
/// <param name="ConsecutiveFailures">Polls failed in a row; drives the back-off.</param>
/// <param name="Items">Files or mailbox messages taken since start.</param>
/// <param name="FailedItems">Files that could not be read (moved to <c>failed/</c>).</param>
/// <param name="Messages">Bounce messages handed to the ingest since start.</param>
/// <param name="Applied">Bounces applied to a person since start.</param>
/// <param name="Quarantined">Messages kept in the quarantine since start.</param>
public sealed record BounceSourceStatus(
    string Source,
    string DisplayName,
    bool Enabled,
    string? Target,
    string ItemName,
    DateTime? LastRunAt = null,
    DateTime? LastSuccessAt = null,
    string? LastError = null,
    int ConsecutiveFailures = 0,
    int Items = 0,
    int FailedItems = 0,
    int Messages = 0,
    int Applied = 0,
    int Quarantined = 0);
