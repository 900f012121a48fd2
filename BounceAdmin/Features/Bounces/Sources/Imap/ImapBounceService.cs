using System.Net.Sockets;
using BounceAdmin.Features.Bounces.Ingestion;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Features.Bounces.Sources.Imap;

/// <summary>
/// Source "imap": fetches the unread messages of a bounce mailbox by UID and ingests each one's raw bytes (so it is
/// classified exactly as the same message uploaded). Only after a message is committed (or quarantined) is it marked
/// read, and moved to <see cref="ImapOptions.ProcessedFolder"/> when one is set; a poll that fails before that leaves
/// the message unread, so the next poll fetches it again. Connection, sign-in and server failures end the poll, are
/// logged and shown in the status, and are retried with back-off.
/// </summary>
public sealed class ImapBounceService(
    IOptions<ImapOptions> options,
    IServiceScopeFactory scopes,
    BounceSourceStatusBoard board,
    TimeProvider clock,
    ILogger<ImapBounceService> logger) : PollingBounceSource(scopes, board, clock, logger)
{
    /// <summary>The source name on bounces, audit entries and quarantined messages.</summary>
    public const string SourceName = "imap";

    private readonly ImapOptions _options = options.Value;

    public override string Source => SourceName;

    protected override string DisplayName => "IMAP mailbox";

    protected override string ItemName => "messages";

    protected override bool IsConfigured => !string.IsNullOrWhiteSpace(_options.Host);

    protected override string? Target => IsConfigured ? $"{_options.Host}:{_options.EffectivePort}, folder {_options.Folder}" : null;

    protected override TimeSpan PollInterval => _options.PollInterval;

    protected override async Task<BounceSourceRun> PollAsync(BounceIngestService ingest, CancellationToken ct)
    {
        var host = _options.Host ?? throw new BounceSourceException($"No IMAP server is configured ({ImapOptions.Section}:Host).");
        if (string.IsNullOrWhiteSpace(_options.Username) || string.IsNullOrEmpty(_options.Password))
        {
            throw new BounceSourceException($"{ImapOptions.Section}:Username and Password must both be set.");
        }

        using var client = new ImapClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(host, _options.EffectivePort, SocketOptions(_options.Security), ct);
        await client.AuthenticateAsync(_options.Username, _options.Password, ct);

        var folder = await client.GetFolderAsync(_options.Folder, ct);
        // Looked up before anything is fetched: a missing processed folder must not leave ingested messages behind.
        var processed = string.IsNullOrWhiteSpace(_options.ProcessedFolder) ? null : await client.GetFolderAsync(_options.ProcessedFolder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);

        var total = new IngestSummary();
        var items = 0;
        var unseen = await folder.SearchAsync(SearchQuery.NotSeen, ct);
        var batch = unseen.Take(_options.MaxMessagesPerPoll).ToList();
        // The sizes first (one FETCH of RFC822.SIZE for the batch): an oversized message is never downloaded whole.
        var sizes = batch.Count == 0
            ? new Dictionary<UniqueId, long>()
            : (await folder.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct))
                .Where(s => s.Size is not null).ToDictionary(s => s.UniqueId, s => (long)s.Size!.Value);
        foreach (var uid in batch)
        {
            if (sizes.TryGetValue(uid, out var size) && size > _options.MaxMessageBytes)
            {
                total.Add(await ingest.QuarantineFileAsync($"imap:{_options.Folder}/{folder.UidValidity}/{uid.Id}", null, Source,
                    $"the message is {size:N0} bytes, over {ImapOptions.Section}:MaxMessageBytes ({_options.MaxMessageBytes:N0}); it was not downloaded", ct));
                await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
                items++;
                continue;
            }

            var message = await FetchAsync(folder, uid, ct);
            total.Add(await ingest.IngestAsync([message], Source, 1, ct: ct));
            // Committed: only now may the message stop being "unread", the mark that makes the next poll fetch it again.
            await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
            if (processed is not null)
            {
                await folder.MoveToAsync(uid, processed, ct);
            }

            items++;
        }

        await client.DisconnectAsync(quit: true, ct);
        return new BounceSourceRun(true, items, 0, total, null);
    }

    /// <summary>The message exactly as the server holds it (BODY.PEEK[]: fetching does not mark it read).</summary>
    private async Task<RawMessage> FetchAsync(IMailFolder folder, UniqueId uid, CancellationToken ct)
    {
        await using var stream = await folder.GetStreamAsync(uid, ct);
        using var buffer = new MemoryStream();
        // The size the server announced may lie or be missing: never hold more than the limit (plus one byte to tell).
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _options.MaxMessageBytes)
            {
                throw new BounceSourceException($"Message {uid.Id} is larger than {ImapOptions.Section}:MaxMessageBytes ({_options.MaxMessageBytes:N0} bytes) though the server announced less.");
            }

            buffer.Write(chunk, 0, read);
        }

        return new RawMessage($"imap:{_options.Folder}/{folder.UidValidity}/{uid.Id}", buffer.ToArray());
    }

    private static SecureSocketOptions SocketOptions(ImapSecurity security) => security switch
    {
        ImapSecurity.StartTls => SecureSocketOptions.StartTls,
        ImapSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.SslOnConnect,
    };

    // The texts name the host and the setting to check, never the user name or password.
    protected override string Describe(Exception ex)
    {
        var server = $"{_options.Host}:{_options.EffectivePort}";
        return ex switch
        {
            AuthenticationException => $"{server} refused the sign-in: check {ImapOptions.Section}:Username and Password.",
            SslHandshakeException => $"The TLS handshake with {server} failed (certificate or {ImapOptions.Section}:Security).",
            SocketException s => $"Could not connect to {server}: {s.Message}",
            FolderNotFoundException f => $"The folder \"{f.FolderName}\" does not exist on {server}.",
            ImapCommandException c => $"{server} refused a command: {c.ResponseText}",
            ProtocolException or IOException or TimeoutException => $"The connection to {server} failed: {ex.Message}",
            _ => base.Describe(ex),
        };
    }
}
