using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Reports;

/// <summary>
/// Counts the report from the maintained aggregates (<see cref="EmailStats"/>) instead of the raw sends: exact, and
/// independent of the number of sends in the frame for whole UTC days.
/// </summary>
/// <remarks>
/// <para>The frame [From, To) is cut into whole UTC days, read from <see cref="EmailDailyStat"/>, and at most two partial
/// days at its ends (only custom instants have them; every preset is whole days), counted live from the sends' flags.
/// Aborted needs the age of each pending send: days wholly before the day of "now − 3 days" are Aborted as a whole, that
/// day's pending sends up to the instant are counted live (the partial index on pending sends), later days have none.</para>
/// <para>The per-send counts are then corrected, live, for the few sends that do not count as a pair of their own: sends
/// of repeated pairs (<see cref="EmailRepeatSend"/>), which are merged into one pair per (email, person) in the frame, and,
/// when deleted people are hidden, the sends of deleted people. Each such send's own contribution is subtracted and each
/// merged pair's contribution (best rank, latest send for Aborted, any engagement) is added. The result equals counting
/// the pairs from the raw rows.</para>
/// </remarks>
internal static class EmailPerformanceCounts
{
    private const int OpenedBit = (int)SendReportFlags.Opened;
    private const int ClickedBit = (int)SendReportFlags.Clicked;
    private const int UnsubscribedBit = (int)SendReportFlags.Unsubscribed;

    /// <summary>The counts per email id (emails without sends in the frame are absent).</summary>
    public static async Task<Dictionary<int, Counts>> CountAsync(AppDbContext db, EmailPerformanceFilter filter, DateTime abortedBefore, CancellationToken ct)
    {
        var result = new Dictionary<int, Counts>();
        Counts Of(int emailId) => result.TryGetValue(emailId, out var c) ? c : result[emailId] = new Counts();

        var firstDay = DateOnly.FromDateTime(filter.From);
        if (filter.From.TimeOfDay != TimeSpan.Zero)
        {
            firstDay = firstDay.AddDays(1);
        }

        var endDay = DateOnly.FromDateTime(filter.To);
        var dayStart = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var dayEnd = endDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        if (firstDay < endDay)
        {
            var abortedDay = DateOnly.FromDateTime(abortedBefore);
            await ReadDaysAsync(db, filter, firstDay, endDay, abortedDay, Of, ct);
            if (abortedDay >= firstDay && abortedDay < endDay)
            {
                await ReadBoundaryAbortedAsync(db, filter, abortedDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), abortedBefore, Of, ct);
            }

            await ReadLiveAsync(db, filter, filter.From, dayStart, abortedBefore, Of, ct);
            await ReadLiveAsync(db, filter, dayEnd, filter.To, abortedBefore, Of, ct);
        }
        else
        {
            await ReadLiveAsync(db, filter, filter.From, filter.To, abortedBefore, Of, ct);
        }

        await CorrectAsync(db, filter, abortedBefore, Of, ct);
        foreach (var id in result.Where(kv => kv.Value.Sent == 0).Select(kv => kv.Key).ToList())
        {
            result.Remove(id);
        }

        return result;
    }

    private static (string Join, string Where, List<SqliteParameter> Parameters) Scope(EmailPerformanceFilter filter, string alias)
    {
        var parameters = new List<SqliteParameter>();
        var join = "";
        var where = "";
        if (filter.ProgramId is { } programId)
        {
            join = $"JOIN Emails fe ON fe.Id = {alias}.EmailId AND fe.ProgramId = @programId";
            parameters.Add(new("@programId", programId));
        }

        if (filter.EmailId is { } emailId)
        {
            where = $" AND {alias}.EmailId = @emailId";
            parameters.Add(new("@emailId", emailId));
        }

        return (join, where, parameters);
    }

    private static async Task ReadDaysAsync(AppDbContext db, EmailPerformanceFilter filter, DateOnly first, DateOnly end,
        DateOnly abortedDay, Func<int, Counts> of, CancellationToken ct)
    {
        var (join, where, parameters) = Scope(filter, "d");
        parameters.Add(new("@first", first));
        parameters.Add(new("@end", end));
        parameters.Add(new("@abortedDay", abortedDay));
        var sql = $"""
            SELECT d.EmailId AS EmailId, SUM(d.Sent) AS Sent, SUM(d.Delivered) AS Delivered, SUM(d.HardBounced) AS HardBounced,
                SUM(d.SoftBounced) AS SoftBounced, SUM(d.Pending) AS Pending,
                SUM(CASE WHEN d.Day < @abortedDay THEN d.Pending ELSE 0 END) AS Aborted,
                SUM(d.Opened) AS Opened, SUM(d.Clicked) AS Clicked, SUM(d.Unsubscribed) AS Unsubscribed
            FROM EmailDailyStats d {join}
            WHERE d.Day >= @first AND d.Day < @end{where}
            GROUP BY d.EmailId
            """;
        var rows = await db.Database.SqlQueryRaw<Counts>(sql, [.. parameters]).ToListAsync(ct);
        foreach (var r in rows)
        {
            of(r.EmailId).Add(r);
        }
    }

    private static async Task ReadBoundaryAbortedAsync(AppDbContext db, EmailPerformanceFilter filter, DateTime from,
        DateTime abortedBefore, Func<int, Counts> of, CancellationToken ct)
    {
        // "ReportFlags = 0" repeats the filter of IX_Sends_Pending_SentAt_EmailId, so only pending sends are read.
        var (join, where, parameters) = Scope(filter, "s");
        parameters.Add(new("@from", from));
        parameters.Add(new("@abortedBefore", abortedBefore));
        var sql = $"""
            SELECT s.EmailId AS EmailId, COUNT(*) AS Aborted
            FROM Sends s {join}
            WHERE s.ReportFlags = 0 AND s.SentAt >= @from AND s.SentAt <= @abortedBefore{where}
            GROUP BY s.EmailId
            """;
        var rows = await db.Database.SqlQueryRaw<AbortedRow>(sql, [.. parameters]).ToListAsync(ct);
        foreach (var r in rows)
        {
            of(r.EmailId).Aborted += r.Aborted;
        }
    }

    private static async Task ReadLiveAsync(AppDbContext db, EmailPerformanceFilter filter, DateTime from, DateTime to,
        DateTime abortedBefore, Func<int, Counts> of, CancellationToken ct)
    {
        if (to <= from)
        {
            return;
        }

        var (join, where, parameters) = Scope(filter, "s");
        parameters.Add(new("@from", from));
        parameters.Add(new("@to", to));
        parameters.Add(new("@abortedBefore", abortedBefore));
        var rank = EmailStats.RankSql("s.ReportFlags");
        var sql = $"""
            SELECT EmailId, COUNT(*) AS Sent, SUM(r = {EmailPerformanceSql.RankDelivered}) AS Delivered,
                SUM(r = {EmailPerformanceSql.RankHard}) AS HardBounced, SUM(r = {EmailPerformanceSql.RankSoft}) AS SoftBounced,
                SUM(r = {EmailPerformanceSql.RankNone}) AS Pending,
                SUM(r = {EmailPerformanceSql.RankNone} AND SentAt <= @abortedBefore) AS Aborted,
                SUM(f & {OpenedBit} <> 0) AS Opened, SUM(f & {ClickedBit} <> 0) AS Clicked, SUM(f & {UnsubscribedBit} <> 0) AS Unsubscribed
            FROM (SELECT s.EmailId, s.SentAt, s.ReportFlags AS f, {rank} AS r
                  FROM Sends s {join}
                  WHERE s.SentAt >= @from AND s.SentAt < @to{where})
            GROUP BY EmailId
            """;
        var rows = await db.Database.SqlQueryRaw<Counts>(sql, [.. parameters]).ToListAsync(ct);
        foreach (var r in rows)
        {
            of(r.EmailId).Add(r);
        }
    }

    private static async Task CorrectAsync(AppDbContext db, EmailPerformanceFilter filter, DateTime abortedBefore,
        Func<int, Counts> of, CancellationToken ct)
    {
        var (join, where, parameters) = Scope(filter, "rs");
        var (deletedJoin, deletedWhere, _) = Scope(filter, "s");
        parameters.Add(new("@from", filter.From));
        parameters.Add(new("@to", filter.To));
        // Sends of repeated pairs, and (when hiding them) sends of deleted people; UNION drops a send found twice.
        // "p.IsDeleted" is written bare to match the filter of IX_People_Deleted.
        var deleted = filter.HideDeletedPeople
            ? $"""

              UNION
              SELECT s.Id AS SendId, s.EmailId AS EmailId, s.PersonId AS PersonId, s.SentAt AS SentAt, s.ReportFlags AS ReportFlags, 1 AS Hidden
              FROM People p JOIN Sends s ON s.PersonId = p.Id {deletedJoin}
              WHERE p.IsDeleted AND s.SentAt >= @from AND s.SentAt < @to{deletedWhere}
              """
            : "";
        // Aggregated in SQL, per email: the sends' own contributions (to subtract) and the merged pairs' (to add); the
        // rows never reach C#. A pair's rank is the best of its sends' ranks (Delivered 3 > Soft 2 > Hard 1 > none 0).
        var rank = EmailStats.RankSql("f");
        var sql = $"""
            WITH r AS MATERIALIZED (
                SELECT EmailId, PersonId, SentAt, f, {rank} AS rk, Hidden FROM (
                    SELECT rs.SendId AS SendId, rs.EmailId AS EmailId, rs.PersonId AS PersonId, rs.SentAt AS SentAt, rs.ReportFlags AS f,
                        {(filter.HideDeletedPeople ? "(SELECT p.IsDeleted FROM People p WHERE p.Id = rs.PersonId)" : "0")} AS Hidden
                    FROM EmailRepeatSends rs {join}
                    WHERE rs.SentAt >= @from AND rs.SentAt < @to{where}{deleted})
            ),
            pairs AS (
                SELECT EmailId, MAX(rk) AS rk, MAX(SentAt) AS LastSentAt, MAX(f & {OpenedBit} <> 0) AS o,
                    MAX(f & {ClickedBit} <> 0) AS c, MAX(f & {UnsubscribedBit} <> 0) AS u
                FROM r WHERE Hidden = 0 GROUP BY EmailId, PersonId
            )
            SELECT EmailId, -COUNT(*) AS Sent, -SUM(rk = {EmailPerformanceSql.RankDelivered}) AS Delivered,
                -SUM(rk = {EmailPerformanceSql.RankHard}) AS HardBounced, -SUM(rk = {EmailPerformanceSql.RankSoft}) AS SoftBounced,
                -SUM(rk = {EmailPerformanceSql.RankNone}) AS Pending, -SUM(rk = {EmailPerformanceSql.RankNone} AND SentAt <= @abortedBefore) AS Aborted,
                -SUM(f & {OpenedBit} <> 0) AS Opened, -SUM(f & {ClickedBit} <> 0) AS Clicked, -SUM(f & {UnsubscribedBit} <> 0) AS Unsubscribed
            FROM r GROUP BY EmailId
            UNION ALL
            SELECT EmailId, COUNT(*), SUM(rk = {EmailPerformanceSql.RankDelivered}), SUM(rk = {EmailPerformanceSql.RankHard}),
                SUM(rk = {EmailPerformanceSql.RankSoft}), SUM(rk = {EmailPerformanceSql.RankNone}),
                SUM(rk = {EmailPerformanceSql.RankNone} AND LastSentAt <= @abortedBefore), SUM(o), SUM(c), SUM(u)
            FROM pairs GROUP BY EmailId
            """;
        parameters.Add(new("@abortedBefore", abortedBefore));
        var rows = await db.Database.SqlQueryRaw<Counts>(sql, [.. parameters]).ToListAsync(ct);
        foreach (var r in rows)
        {
            of(r.EmailId).Add(r);
        }
    }

    /// <summary>
    /// The counts of one email: the shape the count queries return (property names match their column aliases) and the
    /// accumulator they are added into.
    /// </summary>
    internal sealed class Counts
    {
        public int EmailId { get; set; }
        public int Sent { get; set; }
        public int Delivered { get; set; }
        public int HardBounced { get; set; }
        public int SoftBounced { get; set; }
        public int Pending { get; set; }
        public int Aborted { get; set; }
        public int Opened { get; set; }
        public int Clicked { get; set; }
        public int Unsubscribed { get; set; }

        public void Add(Counts r)
        {
            Sent += r.Sent;
            Delivered += r.Delivered;
            HardBounced += r.HardBounced;
            SoftBounced += r.SoftBounced;
            Pending += r.Pending;
            Aborted += r.Aborted;
            Opened += r.Opened;
            Clicked += r.Clicked;
            Unsubscribed += r.Unsubscribed;
        }
    }

    // Shape of the aborted-count SQL result; property names match the column aliases.
    private sealed class AbortedRow
    {
        public int EmailId { get; set; }
        public int Aborted { get; set; }
    }
}
