using BounceAdmin.Data;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Reports;

/// <summary>
/// The Email Performance Report (SPEC §5): counts per email for a time frame on Sent Date, the people behind each count,
/// and exports. Only Managers and Admins may read it (<see cref="Roles.ReportReaders"/>); every method checks.
/// </summary>
/// <remarks>
/// <para>Counting rules (Marketo's), applied per send and then per (email, person) pair:</para>
/// <list type="number">
/// <item>Each send counts as exactly one of Delivered, Hard Bounced, Soft Bounced or Pending, so those four add up to Sent.</item>
/// <item>An opened send counts as Delivered.</item>
/// <item>A send with a click or unsubscribe counts as Delivered and Opened.</item>
/// <item>If opened, bounces are ignored; otherwise Hard Bounced beats Soft Bounced beats Delivered.</item>
/// <item>A send with no delivery, bounce or engagement event three days (<see cref="AbortAfter"/>) after it was sent counts
/// as Aborted.</item>
/// </list>
/// <para><b>Pending and Aborted.</b> Pending = every pair with no outcome yet (no delivery, bounce or engagement event),
/// whatever its age. Aborted = the part of Pending whose latest send is at least three days before "now"
/// (<see cref="TimeProvider"/>), inclusive: sent exactly three days ago is Aborted. Aborted is therefore a <i>subset</i>
/// of Pending, not a fifth outcome: that is the only reading that keeps rule 1 (Delivered + Hard + Soft + Pending = Sent)
/// true, and the Aborted column tells how much of Pending is overdue rather than on its way.</para>
/// <para><b>Repeated sends.</b> Sends of one email to one person in the frame count once. Their outcome is the best
/// over the sends: Delivered, then Soft Bounced, then Hard Bounced, then none; Opened/Clicked/Unsubscribed if any send
/// was; Pending vs Aborted is decided by the latest send.</para>
/// <para><b>Bounces.</b> A bounce counts for a send when <c>BounceEvent.SendId</c> points at it, or, for an applied bounce
/// without a send, when it has the send's person and email and happened at or after the send. Only Hard and Soft kinds count.</para>
/// <para><b>Where the counts come from.</b> The grid is read from maintained aggregates (<see cref="EmailStats"/>: each send's
/// outcome bits, per-day-and-email counts, the repeated pairs), kept in the transaction that records a send, event or
/// bounce; see <see cref="EmailPerformanceCounts"/>. The result is the same as counting the raw rows by the rules above
/// (the tests compare both). A row inserted without the hooks (a bulk load) is not counted until
/// <see cref="EmailStats.RebuildAsync"/> runs. The drill-down reads the sends of the frame live, using the same bits.</para>
/// <para><b>Rates.</b> % Delivered, % Hard Bounced and % Soft Bounced are over Sent; % Opened, % Clicked Email and
/// % Unsubscribed over Delivered; Clicked-to-Opened is Clicked over Opened.</para>
/// </remarks>
public sealed class EmailPerformanceService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>How long a send may stay without any outcome before it counts as Aborted (rule 5).</summary>
    public static readonly TimeSpan AbortAfter = TimeSpan.FromDays(3);

    /// <summary>The largest drill-down page.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The row limit of one Excel sheet, less the header; exports of more people are refused.</summary>
    public const int MaxExportRows = 1_048_575;

    /// <summary>One row per email with sends in the frame (ordered by name), and the totals.</summary>
    public async Task<EmailPerformanceReport> GetReportAsync(EmailPerformanceFilter filter, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        Validate(filter);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await EmailPerformanceCounts.CountAsync(db, filter, now - AbortAfter, ct);
        var ids = counts.Keys.ToList();
        var names = await db.Emails.AsNoTracking()
            .Where(e => ids.Contains(e.Id))
            .Select(e => new { e.Id, e.Name })
            .ToDictionaryAsync(e => e.Id, e => e.Name, ct);

        var rows = counts
            .Where(kv => names.ContainsKey(kv.Key))
            .Select(kv => new EmailPerformanceRow(kv.Key, names[kv.Key], kv.Value.Sent, kv.Value.Delivered, kv.Value.HardBounced,
                kv.Value.SoftBounced, kv.Value.Pending, kv.Value.Aborted, kv.Value.Opened, kv.Value.Clicked, kv.Value.Unsubscribed))
            .OrderBy(r => r.EmailName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.EmailId)
            .ToList();
        var totals = new EmailPerformanceRow(null, "Total",
            rows.Sum(r => r.Sent), rows.Sum(r => r.Delivered), rows.Sum(r => r.HardBounced), rows.Sum(r => r.SoftBounced),
            rows.Sum(r => r.Pending), rows.Sum(r => r.Aborted), rows.Sum(r => r.Opened), rows.Sum(r => r.Clicked),
            rows.Sum(r => r.Unsubscribed));
        return new EmailPerformanceReport(filter, now, rows, totals);
    }

    /// <summary>
    /// The people behind one count of the report (of <see cref="EmailPerformanceFilter.EmailId"/>, or of the totals when
    /// that is null): one item per (email, person) pair, so the total equals the count in the grid.
    /// </summary>
    /// <param name="page">Zero-based page number.</param>
    /// <param name="pageSize">1 to <see cref="MaxPageSize"/>.</param>
    public async Task<EmailPerformancePeoplePage> GetPeopleAsync(
        EmailPerformanceFilter filter,
        EmailPerformanceMetric metric,
        int page,
        int pageSize,
        EmailPerformancePeopleSort sort = EmailPerformancePeopleSort.EmailAddress,
        bool descending = false,
        CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        Validate(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        var (items, total) = await QueryPeopleAsync(filter, metric, sort, descending, page * pageSize, pageSize, ct);
        return new EmailPerformancePeoplePage(items, total, page, pageSize);
    }

    /// <summary>The programs that own at least one email, for the program filter.</summary>
    public async Task<IReadOnlyList<ReportOption>> GetProgramsAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Programs.AsNoTracking()
            .Where(p => p.Emails.Any())
            .OrderBy(p => p.Name)
            .Select(p => new ReportOption(p.Id, p.Name))
            .ToListAsync(ct);
    }

    /// <summary>The emails (of one program, or all), for the email filter.</summary>
    public async Task<IReadOnlyList<ReportOption>> GetEmailsAsync(int? programId = null, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Emails.AsNoTracking()
            .Where(e => programId == null || e.ProgramId == programId)
            .OrderBy(e => e.Name)
            .Select(e => new ReportOption(e.Id, e.Name))
            .ToListAsync(ct);
    }

    /// <summary>The grid, with its totals row, as CSV or Excel (counted afresh).</summary>
    public async Task<ReportFile> ExportReportAsync(EmailPerformanceFilter filter, ReportFileFormat format, CancellationToken ct = default)
        => await ExportReportAsync(await GetReportAsync(filter, ct), format);

    /// <summary>
    /// A report already counted, as CSV or Excel: the page exports what it shows, so the file matches the screen and a
    /// large report is not counted twice.
    /// </summary>
    public async Task<ReportFile> ExportReportAsync(EmailPerformanceReport report, ReportFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(report);
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        var name = $"email-performance-{Stamp(report.Filter)}";
        return format == ReportFileFormat.Csv
            ? new ReportFile(name + ".csv", EmailPerformanceExport.CsvContentType, EmailPerformanceExport.ReportToCsv(report))
            : new ReportFile(name + ".xlsx", EmailPerformanceExport.XlsxContentType, EmailPerformanceExport.ReportToXlsx(report));
    }

    /// <summary>Every person behind one count (a drill-down), as CSV or Excel, in memory (for small exports and tests).</summary>
    public async Task<ReportFile> ExportPeopleAsync(
        EmailPerformanceFilter filter,
        EmailPerformanceMetric metric,
        ReportFileFormat format,
        EmailPerformancePeopleSort sort = EmailPerformancePeopleSort.EmailAddress,
        bool descending = false,
        CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        var (name, contentType) = await WritePeopleAsync(filter, metric, format, buffer, sort, descending, ct);
        return new ReportFile(name, contentType, buffer.ToArray());
    }

    /// <summary>
    /// Every person behind one count (a drill-down) written to <paramref name="output"/> as CSV or Excel while the rows
    /// are read from the database (issue 14: none are collected first; the page writes to a temporary file and streams
    /// that to the browser). Returns the file name and content type. Refuses more than <see cref="MaxExportRows"/> people.
    /// </summary>
    public async Task<(string FileName, string ContentType)> WritePeopleAsync(
        EmailPerformanceFilter filter,
        EmailPerformanceMetric metric,
        ReportFileFormat format,
        Stream output,
        EmailPerformancePeopleSort sort = EmailPerformancePeopleSort.EmailAddress,
        bool descending = false,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        Validate(filter);
        var (_, total) = await QueryPeopleAsync(filter, metric, sort, descending, 0, 1, ct);
        if (total > MaxExportRows)
        {
            throw new InvalidOperationException($"{total:N0} people are too many for one export; choose a shorter time frame or one email.");
        }

        var abortedBefore = clock.GetUtcNow().UtcDateTime - AbortAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (sql, parameters) = EmailPerformanceSql.People(filter, abortedBefore, metric, sort, descending, 0, MaxExportRows);
        // Enumerated row by row by the writer: one record in memory at a time.
        var rows = db.Database.SqlQueryRaw<PersonSqlRow>(sql, [.. parameters]).AsNoTracking().AsEnumerable().Select(ToPerson);
        var name = $"email-performance-{metric.ToString().ToLowerInvariant()}-{Stamp(filter)}";
        if (format == ReportFileFormat.Csv)
        {
            EmailPerformanceExport.WritePeopleCsv(output, rows);
            return (name + ".csv", EmailPerformanceExport.CsvContentType);
        }

        EmailPerformanceExport.WritePeopleXlsx(output, rows, metric);
        return (name + ".xlsx", EmailPerformanceExport.XlsxContentType);
    }

    private async Task<(List<EmailPerformancePerson> Items, int Total)> QueryPeopleAsync(
        EmailPerformanceFilter filter, EmailPerformanceMetric metric, EmailPerformancePeopleSort sort, bool descending,
        int skip, int take, CancellationToken ct)
    {
        var abortedBefore = clock.GetUtcNow().UtcDateTime - AbortAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (sql, parameters) = EmailPerformanceSql.People(filter, abortedBefore, metric, sort, descending, skip, take);
        var raw = await db.Database.SqlQueryRaw<PersonSqlRow>(sql, [.. parameters]).ToListAsync(ct);

        var total = raw.Count > 0 ? raw[0].TotalCount : 0;
        if (raw.Count == 0 && skip > 0)
        {
            // Past the last page the window count has no row to ride on; count on its own.
            var (countSql, countParameters) = EmailPerformanceSql.People(filter, abortedBefore, metric, sort, descending, 0, 1);
            var first = await db.Database.SqlQueryRaw<PersonSqlRow>(countSql, [.. Clone(countParameters)]).ToListAsync(ct);
            total = first.Count > 0 ? first[0].TotalCount : 0;
        }

        var items = raw.Select(ToPerson).ToList();
        return (items, total);
    }

    private static EmailPerformancePerson ToPerson(PersonSqlRow r) => new(
        r.PersonId, r.Email, r.FirstName, r.LastName, r.IsDeleted, r.EmailId, r.EmailName,
        DateTime.SpecifyKind(r.LastSentAt, DateTimeKind.Utc), OutcomeName(r.Rank, r.Overdue),
        r.Opened, r.Clicked, r.Unsubscribed);

    private static IEnumerable<SqliteParameter> Clone(IEnumerable<SqliteParameter> parameters)
        => parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value));

    private static string OutcomeName(int rank, bool overdue) => rank switch
    {
        EmailPerformanceSql.RankDelivered => "Delivered",
        EmailPerformanceSql.RankHard => "Hard Bounced",
        EmailPerformanceSql.RankSoft => "Soft Bounced",
        _ => overdue ? "Aborted" : "Pending",
    };

    private static void Validate(EmailPerformanceFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.From.Kind != DateTimeKind.Utc || filter.To.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("The time frame must be given in UTC.", nameof(filter));
        }

        if (filter.To <= filter.From)
        {
            throw new ArgumentException("The time frame must end after it starts.", nameof(filter));
        }
    }

    private static string Stamp(EmailPerformanceFilter filter)
        => $"{filter.From:yyyyMMdd}-{filter.To.AddTicks(-1):yyyyMMdd}";

    // Shape of the raw SQL result; property names match the SQL column aliases.
    private sealed class PersonSqlRow
    {
        public int PersonId { get; set; }
        public string? Email { get; set; }
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public bool IsDeleted { get; set; }
        public int EmailId { get; set; }
        public string EmailName { get; set; } = "";
        public DateTime LastSentAt { get; set; }
        public int Rank { get; set; }
        public bool Overdue { get; set; }
        public bool Opened { get; set; }
        public bool Clicked { get; set; }
        public bool Unsubscribed { get; set; }
        public int TotalCount { get; set; }
    }
}
