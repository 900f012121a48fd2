using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BounceAdmin.Data;

/// <summary>Thrown when a change would break a bounce-field rule of SPEC §2.</summary>
public sealed class BounceRuleException(string message) : InvalidOperationException(message);

/// <summary>
/// The last line of defence below every service: whatever path saves a <see cref="Person"/>, Email Suspended cannot go
/// from true to false, and a change to any of the five bounce fields must be saved together with its audit entry.
/// </summary>
internal static class BounceFieldGuard
{
    public const string SuspendedCannotBeCleared =
        "Email Suspended can never be cleared. A suspended person becomes mailable again 24 hours after Email Suspended At.";

    private static readonly string[] AuditedFields =
    [
        nameof(Person.EmailSuspended), nameof(Person.EmailSuspendedCause), nameof(Person.EmailSuspendedAt),
        nameof(Person.EmailInvalid), nameof(Person.EmailInvalidCause),
    ];

    /// <summary>
    /// SPEC §2's irreversible rules for one person's change, also for writers that bypass SaveChanges (the bounce-apply
    /// session): Email Suspended never goes from true to false, Email Suspended At is never cleared or moved back.
    /// </summary>
    public static void CheckSuspension(bool suspendedBefore, bool suspendedAfter, DateTime? atBefore, DateTime? atAfter)
    {
        if (suspendedBefore && !suspendedAfter)
        {
            throw new BounceRuleException(SuspendedCannotBeCleared);
        }

        if (atBefore is { } before && (atAfter is null || atAfter < before))
        {
            throw new BounceRuleException("Email Suspended At only moves forward; it cannot be cleared or moved back.");
        }
    }

    public static void Check(ChangeTracker tracker)
    {
        if (!tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        HashSet<(int PersonId, string Field)>? audited = null;
        foreach (var entry in tracker.Entries<Person>())
        {
            if (entry.State != EntityState.Modified)
            {
                continue;
            }

            var suspended = entry.Property(p => p.EmailSuspended);
            var suspendedAt = entry.Property(p => p.EmailSuspendedAt);
            CheckSuspension(suspended.OriginalValue, suspended.CurrentValue, suspendedAt.OriginalValue, suspendedAt.CurrentValue);

            foreach (var field in AuditedFields)
            {
                if (!entry.Property(field).IsModified || Equals(entry.Property(field).OriginalValue, entry.Property(field).CurrentValue))
                {
                    continue;
                }

                audited ??= tracker.Entries<AuditEntry>()
                    .Where(a => a.State == EntityState.Added)
                    .Select(a => (a.Entity.PersonId, a.Entity.Field))
                    .ToHashSet();
                if (!audited.Contains((entry.Entity.Id, FieldLabels.Of(field))))
                {
                    throw new BounceRuleException($"A change to {FieldLabels.Of(field)} of person {entry.Entity.Id} must be saved with an audit entry.");
                }
            }

            entry.Entity.Version++;
        }
    }
}
