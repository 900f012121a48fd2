using BounceAdmin.Features.Bounces.Ingestion;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Sources.DropFolder;

/// <summary>
/// Source "dropfolder": ingests the .eml, .mbox and .zip files that appear in a folder, one file at a time, then moves
/// each to <c>processed/</c> (or to <c>failed/</c>, with a <c>.error.txt</c> beside it and an entry in the quarantine,
/// when the file cannot be read as messages). A message that fails classification is quarantined by the ingest as
/// usual and its file still counts as processed. A file is moved only after all its messages are committed, so a crash
/// in between re-ingests it next time, which the de-duplication makes harmless.
/// </summary>
public sealed class DropFolderService(
    IOptions<DropFolderOptions> options,
    IServiceScopeFactory scopes,
    BounceSourceStatusBoard board,
    TimeProvider clock,
    ILogger<DropFolderService> logger) : PollingBounceSource(scopes, board, clock, logger)
{
    /// <summary>The source name on bounces, audit entries and quarantined messages.</summary>
    public const string SourceName = "dropfolder";

    private readonly DropFolderOptions _options = options.Value;
    private readonly ILogger _logger = logger;

    public override string Source => SourceName;

    protected override string DisplayName => "Drop folder";

    protected override string ItemName => "files";

    protected override bool IsConfigured => !string.IsNullOrWhiteSpace(_options.Path);

    protected override string? Target => _options.Path;

    protected override TimeSpan PollInterval => _options.PollInterval;

    protected override async Task<BounceSourceRun> PollAsync(BounceIngestService ingest, CancellationToken ct)
    {
        var folder = _options.Path;
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new BounceSourceException($"No drop folder is configured ({DropFolderOptions.Section}:Path).");
        }

        if (!Directory.Exists(folder))
        {
            // Not created here: a missing folder is more likely a typo or an unmounted share than a wish for a new one.
            throw new BounceSourceException($"The drop folder {folder} does not exist.");
        }

        var total = new IngestSummary();
        int items = 0, failed = 0;
        string? problem = null;
        foreach (var file in DropFolderFiles.ReadyFiles(folder, Clock.GetUtcNow().UtcDateTime, _options.SettleTime))
        {
            ct.ThrowIfCancellationRequested();
            var read = DropFile.Read(file, _options.MaxFileBytes);
            if (read.NotYet is { } notYet)
            {
                problem = $"{Path.GetFileName(file)} could not be opened yet ({notYet}); it is tried again next time.";
                continue;
            }

            if (read.Unreadable is { } error)
            {
                // Listed in the quarantine like any message that failed (its first MB, with the size and SHA-256 of the
                // whole file, read once as a stream), then moved aside; if the quarantine cannot be written, the file
                // stays for the next poll.
                total.Add(await QuarantineAsync(ingest, file, error, ct));
                var target = DropFolderFiles.MoveAside(file, DropFolderFiles.FailedFolder, Clock.GetUtcNow().UtcDateTime);
                try
                {
                    await DropFolderFiles.WriteNewTextAsync(target + ".error.txt", error + Environment.NewLine, ct);
                }
                catch (IOException ex)
                {
                    // Something already has that name (a planted link): nothing is written through it.
                    _logger.LogWarning("Drop folder: {Target}.error.txt was not written ({Error})", target, ex.Message);
                }

                _logger.LogWarning("Drop folder: {File} could not be read ({Error}); moved to {Target}", file, error, target);
                problem = $"{Path.GetFileName(file)} could not be read ({error}); moved to {DropFolderFiles.FailedFolder}/.";
                failed++;
                continue;
            }

            total.Add(await ingest.IngestAsync(read.Messages, Source, read.Messages.Count, ct: ct));
            // Only now, with every message of the file committed or quarantined, may the file leave the folder.
            DropFolderFiles.MoveAside(file, DropFolderFiles.ProcessedFolder, Clock.GetUtcNow().UtcDateTime);
            items++;
        }

        return new BounceSourceRun(true, items, failed, total, problem);
    }

    /// <summary>Quarantines an unreadable file from a stream opened without following links.</summary>
    private async Task<IngestSummary> QuarantineAsync(BounceIngestService ingest, string file, string error, CancellationToken ct)
    {
        FileStream stream;
        try
        {
            stream = NoFollowFile.OpenRead(file);
        }
        catch (IOException)
        {
            return await ingest.QuarantineFileAsync(Path.GetFileName(file), null, Source,
                $"{error} (its content could not be read again; the file is in {DropFolderFiles.FailedFolder}/)", ct);
        }

        await using (stream)
        {
            return await ingest.QuarantineStreamAsync(Path.GetFileName(file), stream, Source, error, ct);
        }
    }
}
