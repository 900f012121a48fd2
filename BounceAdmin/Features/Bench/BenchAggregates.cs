using System.Globalization;
using BounceAdmin.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bench;

/// <summary>
/// The maintained aggregates the bench proposes for the report and for domain health (see the report of issue 4):
/// <list type="bullet">
/// <item><c>BenchEmailDayStats(Day, EmailId)</c>: per email and UTC day of Sent Date, the sends by outcome (Delivered,
/// Hard Bounced, Soft Bounced, Pending) and the engagement counts (Opened, Clicked, Unsubscribed).</item>
/// <item><c>BenchDomainDayStats(Day, Domain)</c>: per receiving domain and UTC day, sends (by Sent Date) and hard/soft
/// bounces (by the bounce's time).</item>
/// </list>
/// Every report time frame is a whole number of UTC days, so summing days is exact for the frame. Here they are filled at
/// build time from the generated rows; in the app they would be updated in the same transaction as the send, event or
/// bounce that changes them.
/// </summary>
internal static class BenchAggregates
{
    /// <summary>A send's outcome under the counting rules of SPEC §5 (engagement beats bounces, hard beats soft).</summary>
    internal enum Outcome
    {
        Pending,
        Delivered,
        Opened,
        Clicked,
        Hard,
        Soft,
    }

    internal const string Ddl = """
        CREATE TABLE IF NOT EXISTS BenchEmailDayStats (
            Day TEXT NOT NULL, EmailId INTEGER NOT NULL, Sent INTEGER NOT NULL, Delivered INTEGER NOT NULL,
            HardBounced INTEGER NOT NULL, SoftBounced INTEGER NOT NULL, Pending INTEGER NOT NULL, Opened INTEGER NOT NULL,
            Clicked INTEGER NOT NULL, Unsubscribed INTEGER NOT NULL, PRIMARY KEY (Day, EmailId)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS BenchDomainDayStats (
            Day TEXT NOT NULL, Domain TEXT NOT NULL, Sent INTEGER NOT NULL, HardBounced INTEGER NOT NULL,
            SoftBounced INTEGER NOT NULL, PRIMARY KEY (Day, Domain)) WITHOUT ROWID;
        """;

    /// <summary>Collects the aggregates while the generator streams the rows.</summary>
    internal sealed class Accumulator
    {
        private readonly Dictionary<(int Day, int EmailId), int[]> _email = [];
        private readonly Dictionary<(int Day, int Domain), int[]> _domain = [];

        private static int DayOf(DateTime t) => (int)(t.Ticks / TimeSpan.TicksPerDay);

        public void AddSend(int emailId, DateTime sentAt, int domain, Outcome outcome)
        {
            var c = Get(_email, (DayOf(sentAt), emailId), 8);
            c[0]++;
            switch (outcome)
            {
                case Outcome.Pending: c[4]++; break;
                case Outcome.Hard: c[2]++; break;
                case Outcome.Soft: c[3]++; break;
                case Outcome.Delivered: c[1]++; break;
                case Outcome.Opened: c[1]++; c[5]++; break;
                case Outcome.Clicked: c[1]++; c[5]++; c[6]++; break;
            }

            Get(_domain, (DayOf(sentAt), domain), 3)[0]++;
        }

        public void AddUnsubscribe(int emailId, DateTime sentAt) => Get(_email, (DayOf(sentAt), emailId), 8)[7]++;

        public void AddBounce(DateTime occurredAt, int domain, bool hard) => Get(_domain, (DayOf(occurredAt), domain), 3)[hard ? 1 : 2]++;

        public void Write(SqliteConnection cn, BenchData data)
        {
            using (var ddl = cn.CreateCommand())
            {
                ddl.CommandText = Ddl;
                ddl.ExecuteNonQuery();
            }

            using (var cmd = cn.CreateCommand())
            {
                cmd.CommandText = "INSERT INTO BenchEmailDayStats VALUES ($d, $e, $s, $del, $h, $soft, $p, $o, $c, $u)";
                var ps = new[] { "$d", "$e", "$s", "$del", "$h", "$soft", "$p", "$o", "$c", "$u" }.Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
                foreach (var ((day, email), c) in _email)
                {
                    ps[0].Value = DayText(day);
                    ps[1].Value = email;
                    for (var i = 0; i < 8; i++)
                    {
                        ps[i + 2].Value = c[i];
                    }

                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = cn.CreateCommand())
            {
                cmd.CommandText = "INSERT INTO BenchDomainDayStats VALUES ($d, $dom, $s, $h, $soft)";
                var ps = new[] { "$d", "$dom", "$s", "$h", "$soft" }.Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
                foreach (var ((day, domain), c) in _domain)
                {
                    ps[0].Value = DayText(day);
                    ps[1].Value = data.DomainName(domain);
                    ps[2].Value = c[0];
                    ps[3].Value = c[1];
                    ps[4].Value = c[2];
                    cmd.ExecuteNonQuery();
                }
            }
        }

        private static int[] Get<TKey>(Dictionary<TKey, int[]> map, TKey key, int size)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var c))
            {
                map[key] = c = new int[size];
            }

            return c;
        }

        /// <summary>Days are stored in the text form EF Core and Microsoft.Data.Sqlite give a UTC midnight, so frame bounds compare as text.</summary>
        private static string DayText(int day) => new DateTime(day * TimeSpan.TicksPerDay, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }
}

/// <summary>Indexes the bench found necessary beyond the model's; created by the builder after the bulk load.</summary>
internal static class BenchIndexes
{
    /// <summary>
    /// Partial indexes repeat the grid's always-present <c>NOT IsDeleted</c> (and the status predicate) in their WHERE, so
    /// SQLite can use them for EF's bare-boolean predicates (<c>WHERE NOT "p"."IsDeleted" AND "p"."EmailInvalid"</c>), which a
    /// plain index on a boolean column never serves. Each one delivers its sort order including the Id tie-breaker, so a
    /// deep page is a skip along the index and the count is an index-only scan.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Sql)> Proposed = [];

    /// <summary>
    /// The indexes proposed earlier under these names, now part of the model (PersonConfiguration, EmailSendConfiguration
    /// under IX_ names): a reused database drops them so each index is maintained once.
    /// </summary>
    public static readonly IReadOnlyList<string> NowInModel =
        ["BX_People_Live_Domain_Email", "BX_People_Invalid_Name", "BX_People_Mailable_Email", "BX_People_Live_Created", "BX_People_Deleted",
            "BX_Sends_EmailId_SentAt"];
}

/// <summary>The report and domain health read from the proposed daily aggregates (what the services would do with them).</summary>
internal sealed class BenchAggregateQueries(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<int> GetReportAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database.SqlQueryRaw<Row>("""
            SELECT s.EmailId AS Id, e.Name AS Name, SUM(s.Sent) AS Sent, SUM(s.Delivered) AS Delivered, SUM(s.HardBounced) AS Hard,
                SUM(s.SoftBounced) AS Soft, SUM(s.Pending) AS Pending, SUM(s.Opened) AS Opened, SUM(s.Clicked) AS Clicked,
                SUM(s.Unsubscribed) AS Unsubscribed
            FROM BenchEmailDayStats s JOIN Emails e ON e.Id = s.EmailId
            WHERE s.Day >= @from AND s.Day < @to
            GROUP BY s.EmailId, e.Name
            """, new SqliteParameter("@from", from), new SqliteParameter("@to", to)).ToListAsync(ct);
        return rows.Count;
    }

    public async Task<int> GetDomainHealthAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database.SqlQueryRaw<DomainRow>("""
            SELECT Domain, SUM(Sent) AS Sent, SUM(HardBounced) AS Hard, SUM(SoftBounced) AS Soft
            FROM BenchDomainDayStats WHERE Day >= @from AND Day < @to
            GROUP BY Domain ORDER BY SUM(Sent) DESC
            """, new SqliteParameter("@from", from), new SqliteParameter("@to", to)).ToListAsync(ct);
        return rows.Count;
    }

    private sealed class Row
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
        public int Sent { get; set; }
        public int Delivered { get; set; }
        public int Hard { get; set; }
        public int Soft { get; set; }
        public int Pending { get; set; }
        public int Opened { get; set; }
        public int Clicked { get; set; }
        public int Unsubscribed { get; set; }
    }

    private sealed class DomainRow
    {
        public string Domain { get; set; } = "";
        public int Sent { get; set; }
        public int Hard { get; set; }
        public int Soft { get; set; }
    }
}
