using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces;

/// <summary>
/// The Admin's review of unverified bounces held under <c>Bounces:UnverifiedPolicy</c> = review (issue 14): approve one
/// (it is applied under the same rules as any bounce, and the audit entries name the Admin) or reject it (it stays on
/// record, ignored, and changes nothing). Admin only; the check is here, not only on the page.
/// </summary>
public sealed class HeldBounceService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>Applies a held bounce to its person. Returns what it changed (null for nothing).</summary>
    /// <exception cref="ForbiddenException">The caller is not an Admin.</exception>
    /// <exception cref="InvalidOperationException">The bounce does not exist or is not held (approved or rejected before).</exception>
    public async Task<string?> ApproveAsync(long bounceId, CancellationToken ct = default)
    {
        var admin = await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var evt = await HeldAsync(db, bounceId, ct);
        var person = evt.PersonId is { } personId ? await db.People.SingleOrDefaultAsync(p => p.Id == personId, ct) : null;
        if (person is null)
        {
            throw new InvalidOperationException($"Bounce {bounceId} has no person to apply it to.");
        }

        var changes = await BounceRulesService.ApplyApprovedAsync(db, evt, person, clock.GetUtcNow().UtcDateTime, admin, ct);
        await tx.CommitAsync(ct);
        return changes;
    }

    /// <summary>Rejects a held bounce: it stays on record as ignored and changes nothing.</summary>
    /// <exception cref="ForbiddenException">The caller is not an Admin.</exception>
    /// <exception cref="InvalidOperationException">The bounce does not exist or is not held.</exception>
    public async Task RejectAsync(long bounceId, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var evt = await HeldAsync(db, bounceId, ct);
        evt.Outcome = BounceOutcome.Ignored;
        await db.SaveChangesAsync(ct);
    }

    private static async Task<BounceEvent> HeldAsync(AppDbContext db, long id, CancellationToken ct)
    {
        var evt = await db.BounceEvents.SingleOrDefaultAsync(b => b.Id == id, ct)
            ?? throw new InvalidOperationException($"Bounce {id} does not exist.");
        return evt.Outcome == BounceOutcome.Held
            ? evt
            : throw new InvalidOperationException($"Bounce {id} is not held for review (it was approved or rejected already).");
    }
}
