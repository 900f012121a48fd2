using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces.Classification;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces.Ingestion;

/// <summary>Progress of a long ingest, for the upload's progress bar.</summary>
public sealed record IngestProgress(int Done, int Total, IngestSummary SoFar);

/// <summary>
/// Classifies raw bounce messages and applies them through <see cref="BounceRulesService"/>, each message in its own
/// transaction. A message that cannot be read, or whose bounces cannot be applied, goes to the quarantine with its
/// error: nothing is lost and nothing is half-applied. Re-ingesting a message applies nothing new (the de-duplication
/// key is derived from the message bytes and the recipient).
/// </summary>
public sealed class BounceIngestService(
    IDbContextFactory<AppDbContext> dbFactory,
    BounceRulesService rules,
    ICurrentUser currentUser,
    TimeProvider clock,
    ILogger<BounceIngestService> logger)
{
    /// <summary>The most of one message or file the quarantine keeps (its first bytes; the size and SHA-256 of the whole are kept too).</summary>
    public const int MaxQuarantinedBytes = 1024 * 1024;

    /// <summary>The most content the whole quarantine keeps; past it, new entries keep their error, size and hash only.</summary>
    public const long MaxQuarantineTotalBytes = 256L * 1024 * 1024;

    /// <summary>The total-content cap in force (<see cref="MaxQuarantineTotalBytes"/>; tests set a small one).</summary>
    internal long QuarantineTotalCap { get; init; } = MaxQuarantineTotalBytes;

    /// <summary>Ingests messages one by one (Admin only: ingestion changes people).</summary>
    public async Task<IngestSummary> IngestAsync(IEnumerable<RawMessage> messages, string source, int total = 0,
        IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        var summary = new IngestSummary();
        // One session for the run: one connection with its statements prepared once, still one transaction per message.
        await using var session = await rules.ActingAs(currentUser).OpenSessionAsync(ct);
        foreach (var message in messages)
        {
            ct.ThrowIfCancellationRequested();
            summary.Add(await IngestOneAsync(session, message, source, ct));
            progress?.Report(new IngestProgress(summary.Messages, Math.Max(total, summary.Messages), summary));
        }

        return summary;
    }

    /// <summary>
    /// Keeps a file that could not even be read as messages (a broken .zip or mbox) in the quarantine with its error
    /// (Admin only), so it is listed beside the messages that failed instead of being lost; counted as one message in
    /// error. <paramref name="content"/> may be null when the file is too large to keep in the database.
    /// </summary>
    public async Task<IngestSummary> QuarantineFileAsync(string name, byte[]? content, string source, string error, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await QuarantineAsync(name, content, source, "The file could not be read as messages: " + error, ct);
        return new IngestSummary { Messages = 1, Errors = 1 };
    }

    /// <summary>
    /// Quarantines a file that could not be read as messages from a stream (an upload's spool file, a path of the command
    /// line): the first <see cref="MaxQuarantinedBytes"/> are kept, with the size and SHA-256 of the whole file, read
    /// once and never held whole (Admin only).
    /// </summary>
    public async Task<IngestSummary> QuarantineStreamAsync(string name, Stream content, string source, string error, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await currentUser.RequireRoleAsync(Roles.Admin);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var head = new MemoryStream();
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            var room = MaxQuarantinedBytes - (int)head.Length;
            if (room > 0)
            {
                head.Write(buffer, 0, Math.Min(read, room));
            }

            size += read;
        }

        await QuarantineAsync(name, head.ToArray(), size, Convert.ToHexStringLower(sha.GetHashAndReset()), source,
            "The file could not be read as messages: " + error, ct);
        return new IngestSummary { Messages = 1, Errors = 1 };
    }

    /// <summary>Re-matches unmatched bounces to people who exist now (Admin only).</summary>
    public async Task<int> RematchAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        return await rules.ActingAs(currentUser).RematchUnmatchedAsync(ct);
    }

    /// <summary>Ingests one message: classify, then apply all its recipients in one transaction, or quarantine it.</summary>
    private async Task<IngestSummary> IngestOneAsync(BounceApplySession session, RawMessage message, string source, CancellationToken ct = default)
    {
        var summary = new IngestSummary { Messages = 1 };
        var result = BounceClassifier.Classify(message.Content);
        if (!result.Succeeded)
        {
            await QuarantineAsync(message, source, result.Error!, ct);
            summary.Errors = 1;
            return summary;
        }

        var contentHash = SHA256.HashData(message.Content);
        var now = clock.GetUtcNow().UtcDateTime;
        var inputs = new List<BounceInput>();
        for (var i = 0; i < result.Recipients.Count; i++)
        {
            var r = result.Recipients[i];
            var isBounce = BounceTaxonomy.IsBounce(r.Reason);
            if (string.IsNullOrEmpty(r.Recipient) || !r.Recipient.Contains('@'))
            {
                // Complaints and auto-replies often name nobody we can match; a bounce without a recipient is kept.
                if (isBounce)
                {
                    await QuarantineAsync(message, source, $"The message is a bounce ({r.Reason}) but names no recipient address.", ct);
                    summary.Errors++;
                    return summary;
                }

                summary.NotBounces++;
                continue;
            }

            inputs.Add(new BounceInput(
                Recipient: r.Recipient,
                Reason: r.Reason,
                DedupKey: DedupKey(contentHash, i, r.Recipient),
                OccurredAt: r.LastAttempt ?? result.BounceDate ?? now,
                Source: source,
                Status: r.Status,
                ReplyCode: r.ReplyCode,
                Diagnostic: r.Diagnostic,
                RemoteMta: r.RemoteMta,
                Rule: r.Rule,
                RuleExplanation: r.RuleExplanation,
                OriginalMessageId: r.OriginalMessageId,
                SendId: r.SendId,
                Permanent: r.Permanent));
        }

        if (inputs.Count == 0)
        {
            return summary;
        }

        IReadOnlyList<ApplyResult> applied;
        try
        {
            applied = await session.ApplyManyAsync(inputs, ct);
        }
        catch (Exception ex) when (ex is ArgumentException or DbException or DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Bounce message {Name} could not be applied", message.Name);
            await QuarantineAsync(message, source, "Could not apply the bounces: " + ex.Message, ct);
            summary.Errors++;
            return summary;
        }

        for (var i = 0; i < applied.Count; i++)
        {
            if (!BounceTaxonomy.IsBounce(inputs[i].Reason))
            {
                summary.NotBounces++;
                continue;
            }

            summary.Bounces++;
            switch (applied[i].Outcome)
            {
                case ApplyOutcome.Applied: summary.Applied++; break;
                case ApplyOutcome.Duplicate: summary.Duplicates++; break;
                case ApplyOutcome.Unmatched: summary.Unmatched++; break;
            }
        }

        return summary;
    }

    private static string DedupKey(byte[] contentHash, int index, string recipient)
    {
        var data = new byte[contentHash.Length + 4 + Encoding.UTF8.GetByteCount(recipient)];
        contentHash.CopyTo(data, 0);
        BitConverter.TryWriteBytes(data.AsSpan(contentHash.Length), index);
        Encoding.UTF8.GetBytes(recipient.ToLowerInvariant(), data.AsSpan(contentHash.Length + 4));
        return "msg:" + Convert.ToHexStringLower(SHA256.HashData(data));
    }

    private Task QuarantineAsync(RawMessage message, string source, string error, CancellationToken ct)
        => QuarantineAsync(message.Name, message.Content, source, error, ct);

    private Task QuarantineAsync(string name, byte[]? content, string source, string error, CancellationToken ct)
        => QuarantineAsync(name, content, content?.Length, content is null ? null : Convert.ToHexStringLower(SHA256.HashData(content)),
            source, error, ct);

    /// <param name="content">The content, or its first part when <paramref name="size"/> is larger.</param>
    /// <param name="size">The size of the whole message or file.</param>
    /// <param name="hash">The SHA-256 of the whole message or file (lower-case hex).</param>
    private async Task QuarantineAsync(string name, byte[]? content, long? size, string? hash, string source, string error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        // The same file ingested again is already there: keep one copy.
        if (await db.Quarantine.AnyAsync(q => q.FileName == name && (hash != null ? q.ContentSha256 == hash : q.Content == null), ct))
        {
            return;
        }

        // Issue 14: at most the first MB of a message is kept, and the quarantine as a whole holds at most
        // MaxQuarantineTotalBytes of content (a zip bomb's entries must not grow the database by gigabytes).
        var kept = content is { Length: > MaxQuarantinedBytes } ? content[..MaxQuarantinedBytes] : content;
        if (kept is { Length: > 0 })
        {
            var used = await db.Quarantine.SumAsync(q => (long?)q.Content!.Length, ct) ?? 0;
            if (used + kept.Length > QuarantineTotalCap)
            {
                kept = null;
                error += $" (content not kept: the quarantine holds {QuarantineTotalCap / (1024 * 1024)} MB at most; retry or clear entries)";
            }
            else if (kept.Length < size)
            {
                error += $" (only the first {MaxQuarantinedBytes / 1024} KB of {size:N0} bytes kept)";
            }
        }

        db.Quarantine.Add(new QuarantinedMessage
        {
            Source = source.Length > 60 ? source[..60] : source,
            FileName = name.Length > 1000 ? name[^1000..] : name,
            Error = error.Length > 2000 ? error[..2000] : error,
            Content = kept,
            OriginalSizeBytes = size,
            ContentSha256 = hash,
            ReceivedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }
}
