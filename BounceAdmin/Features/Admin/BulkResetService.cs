using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Admin;

/// <summary>How a bulk reset chooses its people. Every kind only ever picks people whose Email Invalid is checked.</summary>
public enum BulkResetFilterKind
{
    /// <summary>Everyone at one receiving domain.</summary>
    Domain,

    /// <summary>A bounce incident: people with a Category 2 bounce at one domain within a time range.</summary>
    BounceIncident,

    /// <summary>People whose email, name or company contains a text.</summary>
    Search,
}

/// <summary>The people a bulk reset of Email Invalid applies to.</summary>
/// <param name="Kind">Which of the other members apply.</param>
/// <param name="Domain">The receiving domain (Domain, BounceIncident).</param>
/// <param name="FromUtc">Start of the incident, inclusive (BounceIncident).</param>
/// <param name="ToUtc">End of the incident, exclusive (BounceIncident).</param>
/// <param name="Search">Text to look for (Search).</param>
public sealed record BulkResetFilter(BulkResetFilterKind Kind, string? Domain = null, DateTime? FromUtc = null, DateTime? ToUtc = null, string? Search = null);

/// <summary>One person a bulk reset would change.</summary>
public sealed record BulkResetCandidate(int PersonId, string? Email, string? Name, string? EmailInvalidCause);

/// <summary>How many people a bulk reset would change, and the first of them.</summary>
public sealed record BulkResetPreview(int Count, IReadOnlyList<BulkResetCandidate> FirstPeople);

/// <summary>The outcome of a bulk reset or of its undo.</summary>
/// <param name="BatchId">Shared by every audit entry the run wrote.</param>
/// <param name="Changed">People changed.</param>
/// <param name="Skipped">People left alone (undo only: changed since the bulk reset).</param>
public sealed record BulkRunResult(Guid BatchId, int Changed, IReadOnlyList<int> Skipped);

/// <summary>A past bulk reset, for the undo list.</summary>
public sealed record BulkResetBatch(Guid BatchId, DateTime At, string Actor, string Reason, int People, bool Undone, bool CanUndo);

/// <summary>
/// Unchecks Email Invalid for many people at once (Admin only), with one audit entry per person and field, all sharing
/// one <see cref="AuditEntry.BatchId"/>, and undoes such a run within 24 hours for the people nobody changed since.
/// </summary>
public sealed class BulkResetService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>How many people the preview lists by name.</summary>
    public const int PreviewSize = 50;

    /// <summary>How long a bulk reset can be undone.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromHours(24);

    /// <summary>Undo entries carry this prefix and the original batch id in their reason, which links the two runs.</summary>
    public const string UndoReasonPrefix = "Undo of bulk reset ";

    public async Task<BulkResetPreview> PreviewAsync(BulkResetFilter filter, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Select(db, filter);
        var count = await query.CountAsync(ct);
        var first = await query.OrderBy(p => p.EmailNormalized).ThenBy(p => p.Id).Take(PreviewSize)
            .Select(p => new BulkResetCandidate(p.Id, p.Email, (p.FirstName + " " + p.LastName).Trim(), p.EmailInvalidCause))
            .ToListAsync(ct);
        return new BulkResetPreview(count, first);
    }

    /// <summary>Unchecks Email Invalid for everyone the filter selects, in one transaction.</summary>
    /// <param name="expectedCount">The count the Admin confirmed; if the selection changed since, nothing is done.</param>
    public async Task<BulkRunResult> ApplyAsync(BulkResetFilter filter, string reason, int expectedCount, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        var why = PersonAdminService.RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var people = await Select(db, filter).OrderBy(p => p.Id).ToListAsync(ct);
        if (people.Count != expectedCount)
        {
            throw new BounceRuleException(
                $"The selection changed since the preview: it now has {people.Count} people instead of {expectedCount}. Preview again and confirm the new count.");
        }

        if (people.Count == 0)
        {
            throw new BounceRuleException("Nobody matches this filter; there is nothing to reset.");
        }

        var batchId = Guid.NewGuid();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var person in people)
        {
            PersonAdminService.ClearInvalid(db, person, actor, why, now, batchId);
        }

        await db.SaveChangesAsync(ct);
        return new BulkRunResult(batchId, people.Count, []);
    }

    /// <summary>The most recent bulk resets, newest first, with whether each can still be undone.</summary>
    public async Task<IReadOnlyList<BulkResetBatch>> RecentBatchesAsync(int take = 20, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batches = await db.AuditEntries.AsNoTracking()
            .Where(a => a.BatchId != null && a.Field == FieldLabels.EmailInvalid && a.OldValue == "true" && a.NewValue == "false")
            .GroupBy(a => a.BatchId)
            .Select(g => new { BatchId = g.Key!.Value, At = g.Max(a => a.At), LastId = g.Max(a => a.Id), Actor = g.Min(a => a.Actor), Reason = g.Min(a => a.Reason), People = g.Count() })
            .OrderByDescending(b => b.At)
            .ThenByDescending(b => b.LastId)
            .Take(take)
            .ToListAsync(ct);

        var now = clock.GetUtcNow().UtcDateTime;
        var result = new List<BulkResetBatch>(batches.Count);
        foreach (var b in batches)
        {
            var undone = await IsUndoneAsync(db, b.BatchId, ct);
            result.Add(new BulkResetBatch(b.BatchId, b.At, b.Actor ?? "", b.Reason ?? "", b.People, undone, !undone && now - b.At <= UndoWindow));
        }

        return result;
    }

    /// <summary>
    /// Checks Email Invalid again (with its old cause) for the people of a bulk reset made less than 24 hours ago, except
    /// those changed since: their later change wins. The undo is itself audited, as its own batch.
    /// </summary>
    public async Task<BulkRunResult> UndoAsync(Guid batchId, string reason, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        var why = PersonAdminService.RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var entries = await db.AuditEntries.Where(a => a.BatchId == batchId).ToListAsync(ct);
        var resets = entries.Where(a => a.Field == FieldLabels.EmailInvalid && a.OldValue == "true" && a.NewValue == "false").ToList();
        if (resets.Count == 0)
        {
            throw new KeyNotFoundException("There is no bulk reset with this id.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var batchAt = resets.Max(a => a.At);
        if (now - batchAt > UndoWindow)
        {
            throw new BounceRuleException("This bulk reset is more than 24 hours old and can no longer be undone. Change people one by one instead.");
        }

        if (await IsUndoneAsync(db, batchId, ct))
        {
            throw new BounceRuleException("This bulk reset has already been undone.");
        }

        var lastBatchEntryId = entries.Max(a => a.Id);
        var personIds = resets.Select(a => a.PersonId).Distinct().ToList();
        var people = await db.People.Where(p => personIds.Contains(p.Id)).ToListAsync(ct);

        // "Changed since" = any later audit entry for the person (bounce or by hand), or any later save of the row
        // (ClearInvalid stamped UpdatedAt with the batch time; every later edit moves it).
        var changedLater = (await db.AuditEntries
                .Where(a => personIds.Contains(a.PersonId) && a.Id > lastBatchEntryId)
                .Select(a => a.PersonId).Distinct().ToListAsync(ct))
            .ToHashSet();

        var undoBatch = Guid.NewGuid();
        var undoReason = $"{UndoReasonPrefix}{batchId}: {why}";
        if (undoReason.Length > PersonAdminService.MaxReasonLength)
        {
            undoReason = undoReason[..PersonAdminService.MaxReasonLength];
        }

        var skipped = new List<int>();
        var changed = 0;
        foreach (var person in people.OrderBy(p => p.Id))
        {
            if (person.EmailInvalid || person.UpdatedAt > batchAt || changedLater.Contains(person.Id))
            {
                skipped.Add(person.Id);
                continue;
            }

            var oldCause = entries.FirstOrDefault(a => a.PersonId == person.Id && a.Field == FieldLabels.EmailInvalidCause)?.OldValue;
            db.AuditEntries.Add(PersonAdminService.NewAudit(person.Id, now, actor, FieldLabels.EmailInvalid, "false", "true", undoReason, undoBatch));
            if (oldCause is not null)
            {
                db.AuditEntries.Add(PersonAdminService.NewAudit(person.Id, now, actor, FieldLabels.EmailInvalidCause, null, oldCause, undoReason, undoBatch));
            }

            person.EmailInvalid = true;
            person.EmailInvalidCause = oldCause;
            person.UpdatedAt = now;
            changed++;
        }

        // Record the undo even when everyone was skipped, so the batch shows as undone and cannot be undone twice.
        if (changed == 0)
        {
            throw new BounceRuleException(
                $"Nothing to undo: all {skipped.Count} people of this bulk reset were changed since, and their later changes are kept.");
        }

        await db.SaveChangesAsync(ct);
        return new BulkRunResult(undoBatch, changed, skipped);
    }

    private static Task<bool> IsUndoneAsync(AppDbContext db, Guid batchId, CancellationToken ct)
    {
        var prefix = UndoReasonPrefix + batchId;
        return db.AuditEntries.AnyAsync(a => a.Reason.StartsWith(prefix), ct);
    }

    private static IQueryable<Person> Select(AppDbContext db, BulkResetFilter f)
    {
        var people = db.People.Where(p => p.EmailInvalid && !p.IsDeleted);
        switch (f.Kind)
        {
            case BulkResetFilterKind.Domain:
            {
                var domain = RequireDomain(f.Domain);
                return people.Where(p => p.EmailDomain == domain);
            }

            case BulkResetFilterKind.BounceIncident:
            {
                var domain = RequireDomain(f.Domain);
                if (f.FromUtc is not { } from || f.ToUtc is not { } to || to <= from)
                {
                    throw new ArgumentException("Give the incident's start and end (the end after the start).");
                }

                return people.Where(p => db.BounceEvents.Any(b =>
                    b.PersonId == p.Id && b.Category == 2 && b.RecipientDomain == domain && b.OccurredAt >= from && b.OccurredAt < to));
            }

            case BulkResetFilterKind.Search:
            {
                var text = f.Search?.Trim().ToLowerInvariant();
                if (string.IsNullOrEmpty(text) || text.Length < 2)
                {
                    throw new ArgumentException("Enter at least two characters to search for.");
                }

                return people.Where(p => p.EmailNormalized!.Contains(text)
                    || (p.FirstName ?? "").ToLower().Contains(text)
                    || (p.LastName ?? "").ToLower().Contains(text)
                    || (p.Company ?? "").ToLower().Contains(text));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(f), f.Kind, "Unknown filter.");
        }
    }

    private static string RequireDomain(string? domain)
    {
        var d = domain?.Trim().TrimStart('@').ToLowerInvariant();
        if (string.IsNullOrEmpty(d) || !d.Contains('.'))
        {
            throw new ArgumentException("Enter a receiving domain, e.g. example.com.");
        }

        return d;
    }
}
