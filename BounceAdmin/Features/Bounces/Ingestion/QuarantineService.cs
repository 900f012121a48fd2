using BounceAdmin.Data;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces.Ingestion;

/// <summary>A quarantined message as the quarantine page lists it.</summary>
public sealed record QuarantineRow(long Id, string Source, string? FileName, string Error, int SizeBytes, DateTime ReceivedAt);

/// <summary>The messages that could not be read or applied (Admin only): list them, retry them once fixed.</summary>
public sealed class QuarantineService(IDbContextFactory<AppDbContext> dbFactory, BounceIngestService ingest, ICurrentUser currentUser)
{
    public async Task<(IReadOnlyList<QuarantineRow> Rows, int Total)> ListAsync(int page, int pageSize, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.Quarantine.CountAsync(ct);
        var rows = await db.Quarantine.AsNoTracking()
            .OrderByDescending(q => q.Id)
            .Skip(Math.Max(page, 0) * pageSize).Take(pageSize)
            .Select(q => new QuarantineRow(q.Id, q.Source, q.FileName, q.Error, q.Content == null ? 0 : q.Content.Length, q.ReceivedAt))
            .ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>Ingests a quarantined message again; when it now goes through, it leaves the quarantine.</summary>
    public async Task<IngestSummary> RetryAsync(long id, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.Quarantine.SingleOrDefaultAsync(q => q.Id == id, ct)
            ?? throw new KeyNotFoundException($"Quarantined message {id} does not exist.");
        if (item.OriginalSizeBytes is { } size && size != (item.Content?.Length ?? 0))
        {
            // Only the first MB (or nothing) was kept (issue 14): retrying it would only fail again; the original is needed.
            throw new KeyNotFoundException($"Only part of quarantined message {id} was kept ({item.Content?.Length ?? 0:N0} of {size:N0} bytes); ingest the original file again instead.");
        }

        var summary = await ingest.IngestAsync([new RawMessage(item.FileName ?? $"quarantine-{id}", item.Content ?? [])], item.Source, ct: ct);
        // Either it went through, or the retry quarantined a fresh copy with the current error: the old row goes.
        db.Quarantine.Remove(item);
        await db.SaveChangesAsync(ct);
        return summary;
    }
}
