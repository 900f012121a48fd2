using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.Reports;

/// <summary>Builders for bounce rows and a report service signed in as one role.</summary>
internal static class ReportTestData
{
    private static int _dedup;

    /// <summary>A bounce of <paramref name="send"/>; linked by SendId unless <paramref name="linkSend"/> is false.</summary>
    public static BounceEvent AddBounce(this AppDbContext db, EmailSend send, BounceKind kind, DateTime? at = null,
        bool linkSend = true, BounceOutcome outcome = BounceOutcome.Applied)
    {
        var b = new BounceEvent
        {
            PersonId = send.PersonId,
            SendId = linkSend ? send.Id : null,
            EmailId = send.EmailId,
            Recipient = "x@example.com",
            RecipientDomain = "example.com",
            Category = kind == BounceKind.Hard ? 2 : 4,
            Reason = kind == BounceKind.Hard ? "userunknown" : "mailboxfull",
            Kind = kind,
            Source = "test",
            OccurredAt = at ?? send.SentAt.AddMinutes(5),
            ReceivedAt = at ?? send.SentAt.AddMinutes(5),
            DedupKey = "test-" + Interlocked.Increment(ref _dedup),
            Outcome = outcome,
        };
        db.BounceEvents.Add(b);
        db.SaveChanges();
        return b;
    }

    /// <summary>
    /// The service over <paramref name="db"/>. The tests arrange rows with plain inserts (which bypass the hooks of
    /// <see cref="EmailStats"/>), so the aggregates are rebuilt from the rows first; EmailStatsTests prove the hooks
    /// keep them equal to a rebuild.
    /// </summary>
    public static EmailPerformanceService Service(SqliteTestDatabase db, TimeProvider clock, string role)
    {
        Rebuild(db);
        return new(db.Factory, FixedCurrentUser.For(role.ToLowerInvariant() + "@test.local", role), clock);
    }

    /// <summary>Rebuilds the report's aggregates from the rows (SQLite's async calls complete synchronously).</summary>
    public static void Rebuild(SqliteTestDatabase db)
    {
        using var context = db.NewContext();
        EmailStats.RebuildAsync(context).GetAwaiter().GetResult();
    }
}
