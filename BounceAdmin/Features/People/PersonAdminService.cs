using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.People;

/// <summary>A change to a person asked for by a user or an import. Null members are left as they are.</summary>
public sealed record PersonEdit(
    string? FirstName = null,
    string? LastName = null,
    string? Company = null,
    bool? Unsubscribed = null,
    bool? MarketingSuspended = null,
    bool? Blocklisted = null,
    bool? EmailSuspended = null,
    bool? EmailInvalid = null,
    string? Reason = null);

/// <summary>
/// The hand-made changes to a person. Only an Admin may uncheck Email Invalid, and only with a reason; nobody can
/// clear Email Suspended, whatever path the request takes.
/// </summary>
public sealed class PersonAdminService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    public const int MaxReasonLength = 2000;

    /// <summary>Unchecks Email Invalid (Admin only). The old cause is kept in the audit entry.</summary>
    /// <param name="expectedVersion">The version the user saw; a concurrent change makes the call fail instead of overwriting.</param>
    public async Task ResetEmailInvalidAsync(int personId, string reason, long? expectedVersion = null, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        var why = RequireReason(reason);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var person = await db.People.SingleOrDefaultAsync(p => p.Id == personId, ct)
            ?? throw new KeyNotFoundException($"Person {personId} does not exist.");
        if (expectedVersion is { } v && v != person.Version)
        {
            throw new DbUpdateConcurrencyException("This person was changed by someone else since you opened it. Reload and try again.");
        }

        if (!person.EmailInvalid)
        {
            throw new BounceRuleException("Email Invalid is already unchecked for this person.");
        }

        ClearInvalid(db, person, actor, why, clock.GetUtcNow().UtcDateTime, batchId: null);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Applies an edit such as an import row or a form post. Asking to clear Email Suspended is refused with
    /// <see cref="BounceRuleException"/>; unchecking Email Invalid follows <see cref="ResetEmailInvalidAsync"/>'s rules.
    /// </summary>
    public async Task UpdateAsync(int personId, PersonEdit edit, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var person = await db.People.SingleOrDefaultAsync(p => p.Id == personId, ct)
            ?? throw new KeyNotFoundException($"Person {personId} does not exist.");
        var now = clock.GetUtcNow().UtcDateTime;

        if (edit.EmailSuspended == false && person.EmailSuspended)
        {
            throw new BounceRuleException(BounceFieldGuard.SuspendedCannotBeCleared);
        }

        if (edit.EmailSuspended == true && !person.EmailSuspended)
        {
            throw new BounceRuleException("Email Suspended is set only by a Category 1 bounce, not by hand.");
        }

        if (edit.EmailInvalid == false && person.EmailInvalid)
        {
            ClearInvalid(db, person, actor, RequireReason(edit.Reason), now, batchId: null);
        }
        else if (edit.EmailInvalid == true && !person.EmailInvalid)
        {
            var why = RequireReason(edit.Reason);
            db.AuditEntries.Add(NewAudit(person.Id, now, actor, FieldLabels.EmailInvalid, "false", "true", why, null));
            person.EmailInvalid = true;
            if (person.EmailInvalidCause != why)
            {
                db.AuditEntries.Add(NewAudit(person.Id, now, actor, FieldLabels.EmailInvalidCause, person.EmailInvalidCause, why, why, null));
                person.EmailInvalidCause = why;
            }
        }

        // Every other field it changes gets an audit entry too (old and new value), with the edit's reason.
        var reason = string.IsNullOrWhiteSpace(edit.Reason) ? "Edited by hand" : RequireReason(edit.Reason);
        void Audit(string field, string? oldValue, string? newValue)
            => db.AuditEntries.Add(NewAudit(person.Id, now, actor, field, oldValue, newValue, reason, null));

        if (edit.FirstName?.Trim() is { } first && first != person.FirstName)
        {
            Audit(nameof(Person.FirstName), person.FirstName, first);
            person.FirstName = first;
        }

        if (edit.LastName?.Trim() is { } last && last != person.LastName)
        {
            Audit(nameof(Person.LastName), person.LastName, last);
            person.LastName = last;
        }

        if (edit.Company?.Trim() is { } company && company != person.Company)
        {
            Audit(nameof(Person.Company), person.Company, company);
            person.Company = company;
        }

        if (edit.Unsubscribed is { } u && u != person.Unsubscribed)
        {
            Audit(nameof(Person.Unsubscribed), Flag(person.Unsubscribed), Flag(u));
            person.Unsubscribed = u;
        }

        if (edit.MarketingSuspended is { } m && m != person.MarketingSuspended)
        {
            Audit(nameof(Person.MarketingSuspended), Flag(person.MarketingSuspended), Flag(m));
            person.MarketingSuspended = m;
        }

        if (edit.Blocklisted is { } b && b != person.Blocklisted)
        {
            Audit(nameof(Person.Blocklisted), Flag(person.Blocklisted), Flag(b));
            person.Blocklisted = b;
        }

        if (db.ChangeTracker.HasChanges())
        {
            person.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
    }

    private static string Flag(bool value) => value ? "true" : "false";

    /// <summary>Unchecks Email Invalid on a tracked person and writes the two audit entries.</summary>
    internal static void ClearInvalid(AppDbContext db, Person person, string actor, string reason, DateTime nowUtc, Guid? batchId)
    {
        db.AuditEntries.Add(NewAudit(person.Id, nowUtc, actor, FieldLabels.EmailInvalid, "true", "false", reason, batchId));
        if (person.EmailInvalidCause is not null)
        {
            db.AuditEntries.Add(NewAudit(person.Id, nowUtc, actor, FieldLabels.EmailInvalidCause, person.EmailInvalidCause, null, reason, batchId));
        }

        person.EmailInvalid = false;
        person.EmailInvalidCause = null;
        person.UpdatedAt = nowUtc;
    }

    internal static string RequireReason(string? reason)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new ArgumentException("A reason is required: say how you know this address is valid.", nameof(reason));
        }

        if (trimmed.Length > MaxReasonLength)
        {
            throw new ArgumentException($"The reason is too long ({trimmed.Length} characters; at most {MaxReasonLength}).", nameof(reason));
        }

        return trimmed;
    }

    /// <summary>An audit entry of a hand-made change (bulk operations share one batch id).</summary>
    internal static AuditEntry NewAudit(int personId, DateTime at, string actor, string field, string? oldValue, string? newValue, string reason, Guid? batchId)
        => new()
        {
            PersonId = personId,
            At = at,
            Actor = actor,
            Field = field,
            OldValue = oldValue,
            NewValue = newValue,
            Reason = reason,
            BatchId = batchId,
        };
}
