using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using Microsoft.Data.Sqlite;
using BounceAdmin.Features.People;
using BounceAdmin.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bench;

/// <summary>Status filters of the people grid, as the people service names them.</summary>
public enum BenchPeopleStatus
{
    Invalid,
    Suspended,
    Unmailable,
    Mailable,
}

/// <summary>Sort columns of the people grid that the bench measures.</summary>
public enum BenchPeopleSort
{
    Email,
    LastName,
    CreatedAt,
}

/// <summary>One people-grid request: the shape of the people service's query.</summary>
public sealed record BenchPeopleQuery(
    string? Text,
    BenchPeopleStatus? Status,
    int Page,
    int PageSize = 25,
    BenchPeopleSort SortBy = BenchPeopleSort.Email,
    bool Descending = false);

/// <summary>
/// Every call the bench makes into the app's read services, in one place. <b>This is the only file the lead edits after
/// merging</b>: replace <see cref="FallbackBenchScenarios"/> in <see cref="BenchScenarios.Create"/> by an adapter over
/// PeopleService (SearchAsync, GetDetailsAsync + GetBouncesAsync), EmailPerformanceService (GetReportAsync,
/// GetPeopleAsync) and the domain-health query. Each method returns a count so the work cannot be optimised away and the
/// table can show it.
/// </summary>
public interface IBenchScenarios
{
    /// <summary>One page of the people grid; returns the total count of matches.</summary>
    Task<int> SearchPeopleAsync(BenchPeopleQuery query, CancellationToken ct);

    /// <summary>A person's detail page: the person and the bounce history; returns the number of bounces.</summary>
    Task<int> GetPersonWithBouncesAsync(int personId, CancellationToken ct);

    /// <summary>The Email Performance Report over all emails for [from, to); returns the number of email rows.</summary>
    Task<int> GetReportAsync(DateTime from, DateTime to, CancellationToken ct);

    /// <summary>One drill-down: first page of the people behind Hard Bounced of one email; returns the total.</summary>
    Task<int> GetReportDrillDownAsync(DateTime from, DateTime to, int emailId, CancellationToken ct);

    /// <summary>Sends and hard/soft bounces per receiving domain for [from, to); returns the number of domains.</summary>
    Task<int> GetDomainHealthAsync(DateTime from, DateTime to, CancellationToken ct);
}

/// <summary>Chooses the implementation the bench measures.</summary>
public static class BenchScenarios
{
    /// <summary>
    /// The app's real services (<see cref="PeopleService"/>, <see cref="EmailPerformanceService"/>); domain health has no
    /// service yet and is measured with the fallback's live query.
    /// </summary>
    public static IBenchScenarios Create(IServiceProvider services)
        => new AppBenchScenarios(
            services.GetRequiredService<PeopleService>(),
            services.GetRequiredService<EmailPerformanceService>(),
            new FallbackBenchScenarios(services.GetRequiredService<IDbContextFactory<AppDbContext>>(), services.GetRequiredService<TimeProvider>()));
}

/// <summary>The bench's calls mapped onto the app's services (their role checks included).</summary>
public sealed class AppBenchScenarios(PeopleService people, EmailPerformanceService report, FallbackBenchScenarios fallback) : IBenchScenarios
{
    public async Task<int> SearchPeopleAsync(BenchPeopleQuery q, CancellationToken ct)
    {
        var result = await people.SearchAsync(new PeopleQuery(
            q.Text,
            q.Status switch
            {
                BenchPeopleStatus.Invalid => PeopleStatusFilter.Invalid,
                BenchPeopleStatus.Suspended => PeopleStatusFilter.Suspended,
                BenchPeopleStatus.Unmailable => PeopleStatusFilter.Unmailable,
                BenchPeopleStatus.Mailable => PeopleStatusFilter.Mailable,
                _ => null,
            },
            q.Page,
            q.PageSize,
            q.SortBy switch
            {
                BenchPeopleSort.LastName => PeopleSortField.LastName,
                BenchPeopleSort.CreatedAt => PeopleSortField.CreatedAt,
                _ => PeopleSortField.Email,
            },
            q.Descending), ct);
        return result.Items.Count == 0 && result.TotalCount > 0 && q.Page == 0 ? -1 : result.TotalCount;
    }

    public async Task<int> GetPersonWithBouncesAsync(int personId, CancellationToken ct)
    {
        var person = await people.GetDetailsAsync(personId, ct);
        if (person is null)
        {
            return -1;
        }

        return (await people.GetBouncesAsync(personId, ct)).Count;
    }

    public async Task<int> GetReportAsync(DateTime from, DateTime to, CancellationToken ct)
        => (await report.GetReportAsync(new EmailPerformanceFilter(from, to), ct)).Rows.Count;

    public async Task<int> GetReportDrillDownAsync(DateTime from, DateTime to, int emailId, CancellationToken ct)
        => (await report.GetPeopleAsync(new EmailPerformanceFilter(from, to, EmailId: emailId), EmailPerformanceMetric.HardBounced, 0, 50, ct: ct)).TotalCount;

    public Task<int> GetDomainHealthAsync(DateTime from, DateTime to, CancellationToken ct)
        => fallback.GetDomainHealthAsync(from, to, ct);
}

/// <summary>
/// EF queries that do what the people and report services (being written in parallel) do: the same filters, sorting,
/// paging and counting rules, one context per call (as the app's services), no tracking. The people queries use the
/// planner-friendly forms BENCH.md recommends (single-domain equality, COALESCE for Mailable, a bounded range for
/// Suspended, all-minus-deleted count for the unfiltered list); the real PeopleService meets the same figures only once
/// it adopts them.
/// </summary>
public sealed class FallbackBenchScenarios(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TimeSpan? countCacheFor = null)
    : IBenchScenarios
{
    // The proposal measured beside the plain grid: a broad filter's count (a million index entries) barely changes from
    // one page to the next, so it is kept for a short while per (text, status) instead of being recounted for every page.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string?, BenchPeopleStatus?), (int Count, DateTime At)> _counts = new();

    private static readonly TimeSpan SuspensionLength = TimeSpan.FromHours(24);
    private static readonly TimeSpan AbortAfter = TimeSpan.FromDays(3);
    private static readonly DateTime FarFuture = new(9000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public async Task<int> SearchPeopleAsync(BenchPeopleQuery q, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (filtered, page) = await PeopleQueriesAsync(db, q, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = (q.Text?.Trim().ToLowerInvariant(), q.Status);
        int total;
        if (countCacheFor is { } ttl && _counts.TryGetValue(key, out var cached) && now - cached.At < ttl)
        {
            total = cached.Count;
        }
        else if (key is (null or "", null))
        {
            // The unfiltered list (the grid's default view): SQLite counts a whole table from its smallest index page by
            // page (~15 ms for 1M rows) but must visit every entry when there is a WHERE (~90 ms), so count everybody and
            // subtract the few deleted people (partial index on IsDeleted).
            total = await db.People.CountAsync(ct) - await db.People.CountAsync(p => p.IsDeleted, ct);
            _counts[key] = (total, now);
        }
        else
        {
            total = await filtered.CountAsync(ct);
            _counts[key] = (total, now);
        }

        var rows = await page.ToListAsync(ct);
        return rows.Count == 0 && total > 0 && q.Page == 0 ? -1 : total;
    }

    /// <summary>The SQL of the count and of the page, for <c>bench --explain</c>.</summary>
    public async Task<(string Count, string Page)> ExplainPeopleAsync(BenchPeopleQuery q, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (filtered, page) = await PeopleQueriesAsync(db, q, ct);
        return (filtered.Select(p => p.Id).ToQueryString(), page.ToQueryString());
    }

    private async Task<(IQueryable<Person> Filtered, IQueryable<object> Page)> PeopleQueriesAsync(AppDbContext db, BenchPeopleQuery q, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var people = db.People.AsNoTracking().Where(p => !p.IsDeleted);
        var text = q.Text?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(text) && text.StartsWith('@'))
        {
            // Domain prefix as a range on the indexed EmailDomain column (LIKE would be case-insensitive and skip the index).
            var (low, high) = PrefixRange(text[1..]);
            var inRange = db.People.Where(p => string.Compare(p.EmailDomain, low) >= 0 && string.Compare(p.EmailDomain, high) < 0);

            // When the prefix names exactly one domain (the usual "@gmail.com"), filter by equality: then the index
            // (EmailDomain, EmailNormalized) also delivers the email order, so no sort of every match is needed and a deep
            // page is a skip along the index. Two index seeks find out.
            var first = await inRange.OrderBy(p => p.EmailDomain).Select(p => p.EmailDomain).FirstOrDefaultAsync(ct);
            var last = await inRange.OrderByDescending(p => p.EmailDomain).Select(p => p.EmailDomain).FirstOrDefaultAsync(ct);
            people = first is not null && first == last
                ? people.Where(p => p.EmailDomain == first)
                : people.Where(p => string.Compare(p.EmailDomain, low) >= 0 && string.Compare(p.EmailDomain, high) < 0);
        }
        else if (!string.IsNullOrEmpty(text))
        {
            var (low, high) = PrefixRange(text);
            people = people.Where(p => string.Compare(p.EmailNormalized, low) >= 0 && string.Compare(p.EmailNormalized, high) < 0);
        }

        var cutoff = now - SuspensionLength;
        people = q.Status switch
        {
            BenchPeopleStatus.Invalid => people.Where(p => p.EmailInvalid),
            // The upper bound changes nothing (no time is that late) but makes SQLite's planner see a narrow range and
            // use the EmailSuspendedAt index instead of walking the whole email index in order.
            BenchPeopleStatus.Suspended => people.Where(p => p.EmailSuspendedAt > cutoff && p.EmailSuspendedAt < FarFuture),

            // COALESCE instead of "IS NULL OR <=": the OR would tempt the planner into a multi-index OR over
            // EmailSuspendedAt; this way the partial covering index of mailable people answers count and page alone.
            BenchPeopleStatus.Mailable => people.Where(p => p.Email != null && p.Email.Trim() != ""
                && !p.Blocklisted && !p.EmailInvalid && !p.MarketingSuspended && !p.Unsubscribed
                && (p.EmailSuspendedAt ?? DateTime.MinValue) <= cutoff),
            BenchPeopleStatus.Unmailable => people.Where(p => p.Email == null || p.Email.Trim() == ""
                || p.Blocklisted || p.EmailInvalid || p.MarketingSuspended || p.Unsubscribed || p.EmailSuspendedAt > cutoff),
            _ => people,
        };

        IOrderedQueryable<Person> ordered = (q.SortBy, q.Descending) switch
        {
            (BenchPeopleSort.LastName, false) => people.OrderBy(p => p.LastName).ThenBy(p => p.FirstName),
            (BenchPeopleSort.LastName, true) => people.OrderByDescending(p => p.LastName).ThenByDescending(p => p.FirstName),
            (BenchPeopleSort.CreatedAt, false) => people.OrderBy(p => p.CreatedAt),
            (BenchPeopleSort.CreatedAt, true) => people.OrderByDescending(p => p.CreatedAt),
            (_, false) => people.OrderBy(p => p.EmailNormalized),
            (_, true) => people.OrderByDescending(p => p.EmailNormalized),
        };
        ordered = q.Descending ? ordered.ThenByDescending(p => p.Id) : ordered.ThenBy(p => p.Id);
        var page = ordered.Skip(q.Page * q.PageSize).Take(q.PageSize)
            .Select(p => (object)new
            {
                p.Id, p.Email, p.FirstName, p.LastName, p.Company, p.EmailSuspended, p.EmailSuspendedAt, p.EmailInvalid,
                p.Unsubscribed, p.MarketingSuspended, p.Blocklisted, p.IsDeleted, p.CreatedAt, p.UpdatedAt,
            });
        return (people, page);
    }

    public async Task<int> GetPersonWithBouncesAsync(int personId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == personId, ct);
        if (person is null)
        {
            return -1;
        }

        await using var db2 = await dbFactory.CreateDbContextAsync(ct);
        var bounces = await db2.BounceEvents.AsNoTracking()
            .Where(b => b.PersonId == personId)
            .OrderByDescending(b => b.OccurredAt).ThenByDescending(b => b.Id)
            .Take(500)
            .Select(b => new { b.Id, b.Category, b.Reason, b.Kind, b.Status, b.ReplyCode, b.Diagnostic, b.Source, b.OccurredAt, b.Outcome, b.Changes, b.Rule, b.RuleExplanation, b.SuspectedFalsePositive })
            .ToListAsync(ct);
        return bounces.Count;
    }

    /// <summary>
    /// The report computed live from the rows, as the report service does it: per send an event bit set and the worst
    /// bounce kind, per (email, person) pair the best outcome, per email the counts.
    /// </summary>
    public async Task<int> GetReportAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database.SqlQueryRaw<ReportRow>(PairsAllEmails + """
            SELECT c.EmailId, e.Name AS EmailName, COUNT(*) AS Sent,
                SUM(c.Rank = 3) AS Delivered, SUM(c.Rank = 1) AS HardBounced, SUM(c.Rank = 2) AS SoftBounced,
                SUM(c.Rank = 0) AS Pending, SUM(c.Rank = 0 AND c.LastSentAt <= @aborted) AS Aborted,
                SUM(c.Opened) AS Opened, SUM(c.Clicked) AS Clicked, SUM(c.Unsub) AS Unsubscribed
            FROM c JOIN Emails e ON e.Id = c.EmailId
            GROUP BY c.EmailId, e.Name
            """, Parameters(from, to, null)).ToListAsync(ct);
        return rows.Count;
    }

    public async Task<int> GetReportDrillDownAsync(DateTime from, DateTime to, int emailId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database.SqlQueryRaw<DrillRow>(PairsOneEmail + """
            SELECT c.PersonId, p.Email, p.FirstName, p.LastName, c.LastSentAt, COUNT(*) OVER () AS Total
            FROM c JOIN People p ON p.Id = c.PersonId
            WHERE c.Rank = 1
            ORDER BY p.EmailNormalized, c.PersonId
            LIMIT 50
            """, Parameters(from, to, emailId)).ToListAsync(ct);
        return rows.Count == 0 ? 0 : rows[0].Total;
    }

    /// <summary>
    /// The bounce-health page's load through the app's service (from the DomainDailyStats aggregate): the ranked domains,
    /// the overall daily series and the incidents of the frame; returns the number of domains.
    /// </summary>
    public async Task<int> GetDomainHealthAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        var health = new BounceHealth.BounceHealthService(dbFactory, Identity.FixedCurrentUser.For("bench", Identity.Roles.Manager));
        var top = await health.GetTopDomainsAsync(from, to, BounceHealth.DomainRanking.Sends, 10, ct);
        await health.GetDailySeriesAsync(from, to, null, ct);
        await health.GetIncidentsAsync(from, to, null, ct);
        return top.DomainCount;
    }

    /// <summary>The per-send and per-pair CTEs; the email filter is only written when set, so SQLite can seek on it.</summary>
    private const string PairsAllEmails = PairsHead + "    WHERE s.SentAt >= @from AND s.SentAt < @to)," + PairsTail;

    private const string PairsOneEmail = PairsHead + "    WHERE s.EmailId = @emailId AND s.SentAt >= @from AND s.SentAt < @to)," + PairsTail;

    private const string PairsHead = """
        WITH s AS (
            SELECT s.EmailId, s.PersonId, s.SentAt,
                (SELECT COALESCE(SUM(DISTINCT 1 << ev.Type), 0) FROM EmailEvents ev WHERE ev.SendId = s.Id) AS Ev,
                (SELECT COALESCE(MAX(b.Kind), 0) FROM BounceEvents b WHERE b.SendId = s.Id) AS Bk
            FROM Sends s
        """;

    private const string PairsTail = """
        c AS (
            SELECT EmailId, PersonId, MAX(SentAt) AS LastSentAt,
                MAX(CASE WHEN Ev & 28 <> 0 THEN 3 WHEN Bk = 2 THEN 1 WHEN Bk = 1 THEN 2 WHEN Ev & 2 <> 0 THEN 3 ELSE 0 END) AS Rank,
                MAX(Ev & 28 <> 0) AS Opened, MAX(Ev & 8 <> 0) AS Clicked, MAX(Ev & 16 <> 0) AS Unsub
            FROM s GROUP BY EmailId, PersonId)

        """;

    private object[] Parameters(DateTime from, DateTime to, int? emailId)
        => [
            new SqliteParameter("@from", from), new SqliteParameter("@to", to),
            new SqliteParameter("@aborted", clock.GetUtcNow().UtcDateTime - AbortAfter),
            new SqliteParameter("@emailId", (object?)emailId ?? DBNull.Value),
        ];

    private static (string Low, string High) PrefixRange(string prefix)
        => prefix.Length == 0 ? ("", "\uffff") : (prefix, prefix[..^1] + (char)(prefix[^1] + 1));

    private sealed class ReportRow
    {
        public int EmailId { get; set; }
        public string EmailName { get; set; } = "";
        public int Sent { get; set; }
        public int Delivered { get; set; }
        public int HardBounced { get; set; }
        public int SoftBounced { get; set; }
        public int Pending { get; set; }
        public int Aborted { get; set; }
        public int Opened { get; set; }
        public int Clicked { get; set; }
        public int Unsubscribed { get; set; }
    }

    private sealed class DrillRow
    {
        public int PersonId { get; set; }
        public string? Email { get; set; }
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public DateTime LastSentAt { get; set; }
        public int Total { get; set; }
    }
}
