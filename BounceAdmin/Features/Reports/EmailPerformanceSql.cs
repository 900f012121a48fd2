using BounceAdmin.Data.Entities;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Features.Reports;

/// <summary>
/// The report's SQL, built once per call from the filter. Everything is set-based: each send is classified in SQL
/// and the (email, person) pairs are aggregated there too, so C# only ever sees one row per email or one page of people.
/// </summary>
/// <remarks>
/// <para>Per send (CTE <c>s</c>) two small bit sets are taken from the send's maintained <see cref="EmailSend.ReportFlags"/>
/// (see <see cref="EmailStats"/>): <c>ev</c> = 2 Delivered, 4 Opened (an open, click or unsubscribe: rule 3), 8 Clicked,
/// 16 Unsubscribed; <c>bk</c> = 1 Soft, 2 Hard. <c>s</c> is MATERIALIZED so the bits are extracted once per send.
/// A bounce belongs to a send when <c>BounceEvent.SendId</c> points at it (any outcome), or, for a bounce that could not
/// be matched to a send but was applied to the person (<c>SendId</c> null, <c>Outcome = Applied</c>), when it has the
/// send's person and email and happened at or after the send.</para>
/// <para>Each send gets an outcome rank: 3 Delivered (an open, click or unsubscribe — rules 2, 3, 4 — or else a delivery
/// event with no bounce), 1 Hard Bounced, 2 Soft Bounced (rule 4: hard beats soft beats delivered), 0 no outcome.
/// Pairs (CTE <c>c</c>) keep the best rank over their sends (Delivered &gt; Soft &gt; Hard &gt; none) and the latest
/// Sent Date, which decides Pending vs Aborted.</para>
/// </remarks>
internal static class EmailPerformanceSql
{
    internal const int RankNone = 0;
    internal const int RankHard = 1;
    internal const int RankSoft = 2;
    internal const int RankDelivered = 3;

    private const int Delivered = 1 << (int)EmailEventType.Delivered;
    private const int Opened = 1 << (int)EmailEventType.Opened;
    private const int Clicked = 1 << (int)EmailEventType.Clicked;
    private const int Unsubscribed = 1 << (int)EmailEventType.Unsubscribed;
    private const int Engaged = Opened | Clicked | Unsubscribed;
    private const int Soft = (int)BounceKind.Soft;
    private const int Hard = (int)BounceKind.Hard;

    /// <summary>The two CTEs (<c>s</c> per send, <c>c</c> per pair) with their parameters.</summary>
    internal static (string Sql, List<SqliteParameter> Parameters) Pairs(EmailPerformanceFilter filter, DateTime abortedBefore)
    {
        var where = new List<string> { "s.SentAt >= @from", "s.SentAt < @to" };
        var parameters = new List<SqliteParameter>
        {
            new("@from", filter.From),
            new("@to", filter.To),
            new("@abortedBefore", abortedBefore),
        };

        if (filter.EmailId is { } emailId)
        {
            where.Add("s.EmailId = @emailId");
            parameters.Add(new("@emailId", emailId));
        }

        // Measured on 1M sends (CPU): a join on the small, hot Emails table costs 40 ms against 82 ms for an IN-list,
        // while for deleted people a NOT IN list built once (205 ms) beats looking up every send's person (730 ms).
        var joins = "";
        if (filter.ProgramId is { } programId)
        {
            joins = "JOIN Emails fe ON fe.Id = s.EmailId AND fe.ProgramId = @programId";
            parameters.Add(new("@programId", programId));
        }

        if (filter.HideDeletedPeople)
        {
            where.Add("s.PersonId NOT IN (SELECT fp.Id FROM People fp WHERE fp.IsDeleted = 1)");
        }

        var sql = $"""
            WITH s AS MATERIALIZED (
                SELECT s.EmailId, s.PersonId, s.SentAt,
                    (s.ReportFlags & {(int)SendReportFlags.Delivered} <> 0) * {Delivered}
                    + (s.ReportFlags & {(int)SendReportFlags.Opened} <> 0) * {Opened}
                    + (s.ReportFlags & {(int)SendReportFlags.Clicked} <> 0) * {Clicked}
                    + (s.ReportFlags & {(int)SendReportFlags.Unsubscribed} <> 0) * {Unsubscribed} AS ev,
                    s.ReportFlags & {(int)(SendReportFlags.SoftBounced | SendReportFlags.HardBounced)} AS bk
                FROM Sends s {joins}
                WHERE {string.Join(" AND ", where)}
            ),
            c AS (
                SELECT EmailId, PersonId, MAX(SentAt) AS LastSentAt,
                    MAX(CASE WHEN ev & {Engaged} <> 0 THEN {RankDelivered}
                             WHEN bk & {Hard} <> 0 THEN {RankHard}
                             WHEN bk & {Soft} <> 0 THEN {RankSoft}
                             WHEN ev & {Delivered} <> 0 THEN {RankDelivered}
                             ELSE {RankNone} END) AS Rank,
                    MAX(ev & {Engaged} <> 0) AS Opened,
                    MAX(ev & {Clicked} <> 0) AS Clicked,
                    MAX(ev & {Unsubscribed} <> 0) AS Unsubscribed
                FROM s
                GROUP BY EmailId, PersonId
            )
            """;
        return (sql, parameters);
    }

    /// <summary>The SQL condition on CTE <c>c</c> that selects the pairs behind a metric.</summary>
    internal static string Condition(EmailPerformanceMetric metric) => metric switch
    {
        EmailPerformanceMetric.Sent => "1 = 1",
        EmailPerformanceMetric.Delivered => $"c.Rank = {RankDelivered}",
        EmailPerformanceMetric.HardBounced => $"c.Rank = {RankHard}",
        EmailPerformanceMetric.SoftBounced => $"c.Rank = {RankSoft}",
        EmailPerformanceMetric.Pending => $"c.Rank = {RankNone}",
        EmailPerformanceMetric.Aborted => $"c.Rank = {RankNone} AND c.LastSentAt <= @abortedBefore",
        EmailPerformanceMetric.Opened => "c.Opened = 1",
        EmailPerformanceMetric.Clicked => "c.Clicked = 1",
        EmailPerformanceMetric.Unsubscribed => "c.Unsubscribed = 1",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>The pairs behind a metric, one page of them (all when <paramref name="take"/> is null), with the total.</summary>
    internal static (string Sql, List<SqliteParameter> Parameters) People(
        EmailPerformanceFilter filter, DateTime abortedBefore, EmailPerformanceMetric metric,
        EmailPerformancePeopleSort sort, bool descending, int skip, int? take)
    {
        var (pairs, parameters) = Pairs(filter, abortedBefore);
        var direction = descending ? "DESC" : "ASC";
        // Whitelisted columns only; the person and email ids break ties so pages are stable.
        var orderBy = sort switch
        {
            EmailPerformancePeopleSort.LastName => $"p.LastName {direction}, p.FirstName {direction}",
            EmailPerformancePeopleSort.EmailName => $"e.Name {direction}",
            EmailPerformancePeopleSort.LastSentAt => $"c.LastSentAt {direction}",
            _ => $"p.EmailNormalized {direction}",
        };
        var sql = pairs + $"""

            SELECT c.PersonId AS PersonId, p.Email AS Email, p.FirstName AS FirstName, p.LastName AS LastName,
                p.IsDeleted AS IsDeleted, c.EmailId AS EmailId, e.Name AS EmailName, c.LastSentAt AS LastSentAt,
                c.Rank AS Rank, c.LastSentAt <= @abortedBefore AS Overdue,
                c.Opened AS Opened, c.Clicked AS Clicked, c.Unsubscribed AS Unsubscribed,
                COUNT(*) OVER () AS TotalCount
            FROM c
            JOIN People p ON p.Id = c.PersonId
            JOIN Emails e ON e.Id = c.EmailId
            WHERE {Condition(metric)}
            ORDER BY {orderBy}, c.PersonId, c.EmailId
            LIMIT @take OFFSET @skip
            """;
        parameters.Add(new("@take", take ?? -1));
        parameters.Add(new("@skip", skip));
        return (sql, parameters);
    }
}
