using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.BounceHealth;

/// <summary>
/// Keeps the <see cref="DomainDailyStat"/> aggregate: increments in the caller's transaction (so a rolled-back bounce
/// is never counted) and a full rebuild from Sends + People and BounceEvents (after a bulk load). The increments are
/// upserts (<c>INSERT … ON CONFLICT DO UPDATE</c>, SQLite ≥ 3.24 and PostgreSQL), so two writers adding to the same
/// day and domain both count.
/// </summary>
public static class DomainStatsWriter
{
    /// <summary>
    /// Rebuilds the whole aggregate in one statement pair (SQLite): sends by UTC day of Sent Date and the person's
    /// current address domain (the best record of "the domain at send time" a bulk load has), bounces by UTC day of
    /// OccurredAt and recipient domain, every bounce event with a category. Days are written in the text form EF Core
    /// gives a UTC midnight (<c>yyyy-MM-dd 00:00:00</c>), so the service's range comparisons hold.
    /// </summary>
    public const string RebuildSql = """
        DELETE FROM "DomainDailyStats";
        INSERT INTO "DomainDailyStats" ("Day", "Domain", "Sent", "HardBounced", "SoftBounced", "Category1", "Category2", "Category3", "Category4", "Category9")
        SELECT "Day", "Domain", SUM("Sent"), SUM("Hard"), SUM("Soft"), SUM("C1"), SUM("C2"), SUM("C3"), SUM("C4"), SUM("C9")
        FROM (
            SELECT date(s."SentAt") || ' 00:00:00' AS "Day", p."EmailDomain" AS "Domain", COUNT(*) AS "Sent",
                0 AS "Hard", 0 AS "Soft", 0 AS "C1", 0 AS "C2", 0 AS "C3", 0 AS "C4", 0 AS "C9"
            FROM "Sends" AS s JOIN "People" AS p ON p."Id" = s."PersonId"
            WHERE p."EmailDomain" IS NOT NULL AND p."EmailDomain" <> ''
            GROUP BY 1, 2
            UNION ALL
            SELECT date(b."OccurredAt") || ' 00:00:00', b."RecipientDomain", 0,
                SUM(b."Kind" = 2), SUM(b."Kind" = 1), SUM(b."Category" = 1), SUM(b."Category" = 2), SUM(b."Category" = 3),
                SUM(b."Category" = 4), SUM(b."Category" = 9)
            FROM "BounceEvents" AS b
            WHERE b."Category" IS NOT NULL
            GROUP BY 1, 2
        ) AS u
        GROUP BY "Day", "Domain";
        """;

    /// <summary>
    /// Rebuilds the aggregate from the stored sends and bounces (idempotent: the table is emptied first). Runs in the
    /// context's current transaction, or in its own.
    /// </summary>
    public static async Task RebuildAsync(AppDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsSqlite())
        {
            throw new NotSupportedException("The domain statistics rebuild is written for SQLite.");
        }

        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            var previousTimeout = db.Database.GetCommandTimeout();
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30)); // a bench-sized rebuild reads every send
            await db.Database.ExecuteSqlRawAsync(RebuildSql, ct);
            db.Database.SetCommandTimeout(previousTimeout);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Counts sends: one per send, by UTC day of Sent Date and the domain of the address it went to. For any path that
    /// records sends one by one (bulk loads call <see cref="RebuildAsync"/> instead). Sends without a domain are skipped.
    /// </summary>
    public static async Task CountSendsAsync(AppDbContext db, IEnumerable<(DateTime SentAt, string? Domain)> sends, CancellationToken ct = default)
    {
        var groups = sends
            .Where(s => !string.IsNullOrWhiteSpace(s.Domain))
            .GroupBy(s => (Day: DayOf(s.SentAt), Domain: s.Domain!.Trim().ToLowerInvariant()));
        foreach (var g in groups)
        {
            await AddAsync(db, g.Key.Day, g.Key.Domain, new Counts(g.Count(), 0, 0, 0, 0, 0, 0, 0), ct);
        }
    }

    /// <summary>The UTC day (midnight) of an instant.</summary>
    public static DateTime DayOf(DateTime t)
    {
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t;
        return new DateTime(utc.Year, utc.Month, utc.Day, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary><see cref="CountBouncesAsync"/> for the bounce-apply path: one stored event, on its prepared commands.</summary>
    internal static void CountBounce(PreparedCommands sql, BounceEvent e)
    {
        if (e.Category is not { } category || string.IsNullOrEmpty(e.RecipientDomain))
        {
            return;
        }

        sql.Execute(UpsertSql,
            ("@day", DayOf(e.OccurredAt)), ("@domain", e.RecipientDomain), ("@sent", 0),
            ("@hard", e.Kind == BounceKind.Hard ? 1 : 0), ("@soft", e.Kind == BounceKind.Soft ? 1 : 0),
            ("@c1", category == 1 ? 1 : 0), ("@c2", category == 2 ? 1 : 0), ("@c3", category == 3 ? 1 : 0),
            ("@c4", category == 4 ? 1 : 0), ("@c9", category == 9 ? 1 : 0));
    }

    /// <summary>Adds counts to one (day, domain) row, creating it when missing.</summary>
    private const string UpsertSql = """
        INSERT INTO "DomainDailyStats" ("Day", "Domain", "Sent", "HardBounced", "SoftBounced", "Category1", "Category2", "Category3", "Category4", "Category9")
        VALUES (@day, @domain, @sent, @hard, @soft, @c1, @c2, @c3, @c4, @c9)
        ON CONFLICT ("Day", "Domain") DO UPDATE SET
            "Sent" = "DomainDailyStats"."Sent" + excluded."Sent", "HardBounced" = "DomainDailyStats"."HardBounced" + excluded."HardBounced",
            "SoftBounced" = "DomainDailyStats"."SoftBounced" + excluded."SoftBounced", "Category1" = "DomainDailyStats"."Category1" + excluded."Category1",
            "Category2" = "DomainDailyStats"."Category2" + excluded."Category2", "Category3" = "DomainDailyStats"."Category3" + excluded."Category3",
            "Category4" = "DomainDailyStats"."Category4" + excluded."Category4", "Category9" = "DomainDailyStats"."Category9" + excluded."Category9"
        """;

    private static Task<int> AddAsync(AppDbContext db, DateTime day, string domain, Counts c, CancellationToken ct)
        => db.Database.ExecuteSqlRawAsync(UpsertSql,
            [
                new SqliteParameter("@day", day), new SqliteParameter("@domain", domain), new SqliteParameter("@sent", c.Sent),
                new SqliteParameter("@hard", c.Hard), new SqliteParameter("@soft", c.Soft), new SqliteParameter("@c1", c.C1),
                new SqliteParameter("@c2", c.C2), new SqliteParameter("@c3", c.C3), new SqliteParameter("@c4", c.C4),
                new SqliteParameter("@c9", c.C9),
            ],
            ct);

    private readonly record struct Counts(int Sent, int Hard, int Soft, int C1, int C2, int C3, int C4, int C9);

    /// <summary>
    /// The batch's sends in the per-domain daily aggregate of Bounce health (one per send, by UTC day of Sent Date and
    /// the recipient's domain), in the same shape as <see cref="RebuildSql"/>.
    /// </summary>
    internal const string CountSendsAfterSql = """
        INSERT INTO "DomainDailyStats" ("Day", "Domain", "Sent", "HardBounced", "SoftBounced", "Category1", "Category2", "Category3", "Category4", "Category9")
        SELECT date(s."SentAt") || ' 00:00:00', p."EmailDomain", COUNT(*), 0, 0, 0, 0, 0, 0, 0
        FROM (SELECT "SentAt", "PersonId" FROM "Sends" NOT INDEXED WHERE "Id" > @before) AS s
        JOIN "People" AS p ON p."Id" = s."PersonId"
        WHERE p."EmailDomain" IS NOT NULL AND p."EmailDomain" <> ''
        GROUP BY 1, 2
        ON CONFLICT ("Day", "Domain") DO UPDATE SET "Sent" = "DomainDailyStats"."Sent" + excluded."Sent"
        """;
}
