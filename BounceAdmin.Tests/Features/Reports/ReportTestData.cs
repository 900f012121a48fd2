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

    public static EmailPerformanceService Service(SqliteTestDatabase db, TimeProvider clock, string role)
        => new(db.Factory, FixedCurrentUser.For(role.ToLowerInvariant() + "@test.local", role), clock);
}
