using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Reports;

/// <summary>
/// Keeps the Email Performance Report's aggregates in step with sends, engagement events and bounces, in the caller's
/// transaction (the hooks run on the caller's <see cref="AppDbContext"/> and join its current transaction).
/// </summary>
/// <remarks>
/// <para>Three things are maintained:</para>
/// <list type="bullet">
/// <item><see cref="EmailSend.ReportFlags"/>: per send, which of soft bounce, hard bounce, delivery, open, click and
/// unsubscribe belong to it (<see cref="SendReportFlags"/>). A bounce belongs to a send when its <c>SendId</c> points at
/// it (any outcome), or, for an applied bounce without a send, when it has the send's person and email and happened at or
/// after the send — the same attribution the report always used.</item>
/// <item><see cref="EmailDailyStat"/>: per (UTC day of Sent Date, email), the sends counted by their own outcome
/// (<see cref="Rank"/>) and engagement. A send moves between buckets when its flags change.</item>
/// <item><see cref="EmailRepeatSend"/>: the sends of (email, person) pairs with more than one send, which the report
/// merges, with a copy of their flags.</item>
/// </list>
/// <para>These are plumbing, not a service: the callers (the rules service, the seeder, whoever records sends or events)
/// check roles. Bulk loaders insert rows directly and then call <see cref="RebuildAsync"/>.</para>
/// </remarks>
public static class EmailStats
{
    /// <summary>The SQL of a send's flags from its events and bounces; <c>s</c> is the send.</summary>
    internal static readonly string FlagsSql = $"""
        (COALESCE((SELECT MAX(ev.Type = {(int)EmailEventType.Delivered}) * {(int)SendReportFlags.Delivered}
                        + MAX(ev.Type IN ({(int)EmailEventType.Opened}, {(int)EmailEventType.Clicked}, {(int)EmailEventType.Unsubscribed})) * {(int)SendReportFlags.Opened}
                        + MAX(ev.Type = {(int)EmailEventType.Clicked}) * {(int)SendReportFlags.Clicked}
                        + MAX(ev.Type = {(int)EmailEventType.Unsubscribed}) * {(int)SendReportFlags.Unsubscribed}
                   FROM EmailEvents ev WHERE ev.SendId = s.Id), 0)
        | COALESCE((SELECT MAX(b.Kind = {(int)BounceKind.Soft}) * {(int)SendReportFlags.SoftBounced} + MAX(b.Kind = {(int)BounceKind.Hard}) * {(int)SendReportFlags.HardBounced}
                   FROM BounceEvents b WHERE b.SendId = s.Id), 0)
        | COALESCE((SELECT MAX(b.Kind = {(int)BounceKind.Soft}) * {(int)SendReportFlags.SoftBounced} + MAX(b.Kind = {(int)BounceKind.Hard}) * {(int)SendReportFlags.HardBounced}
                   FROM BounceEvents b
                   WHERE b.PersonId = s.PersonId AND b.SendId IS NULL AND b.EmailId = s.EmailId
                     AND b.Outcome = {(int)BounceOutcome.Applied} AND b.OccurredAt >= s.SentAt), 0))
        """;

    private static readonly string UpdateFlagsSql = $"UPDATE Sends AS s SET ReportFlags = {FlagsSql} WHERE s.Id = @id";

    private const int Engaged = (int)(SendReportFlags.Opened | SendReportFlags.Clicked | SendReportFlags.Unsubscribed);

    /// <summary>
    /// A send's outcome rank under SPEC §5: engagement beats bounces (rules 2–4), then hard beats soft beats delivered;
    /// <see cref="EmailPerformanceSql.RankNone"/> when nothing is known (Pending). Pairs keep the highest rank of their
    /// sends (Delivered &gt; Soft &gt; Hard &gt; none).
    /// </summary>
    public static int Rank(int flags)
        => (flags & Engaged) != 0 ? EmailPerformanceSql.RankDelivered
            : (flags & (int)SendReportFlags.HardBounced) != 0 ? EmailPerformanceSql.RankHard
            : (flags & (int)SendReportFlags.SoftBounced) != 0 ? EmailPerformanceSql.RankSoft
            : (flags & (int)SendReportFlags.Delivered) != 0 ? EmailPerformanceSql.RankDelivered
            : EmailPerformanceSql.RankNone;

    /// <summary>The same rank in SQL, over the flags expression <paramref name="flags"/>.</summary>
    internal static string RankSql(string flags) => $"""
        (CASE WHEN {flags} & {Engaged} <> 0 THEN {EmailPerformanceSql.RankDelivered}
              WHEN {flags} & {(int)SendReportFlags.HardBounced} <> 0 THEN {EmailPerformanceSql.RankHard}
              WHEN {flags} & {(int)SendReportFlags.SoftBounced} <> 0 THEN {EmailPerformanceSql.RankSoft}
              WHEN {flags} & {(int)SendReportFlags.Delivered} <> 0 THEN {EmailPerformanceSql.RankDelivered}
              ELSE {EmailPerformanceSql.RankNone} END)
        """;

    /// <summary>
    /// Counts a send that was just inserted (and saved): sets its flags from any events and bounces it already has,
    /// adds it to its day, and, when the person already had a send of that email, records the pair's sends as repeated.
    /// Call once per send, in the transaction that inserted it.
    /// </summary>
    public static async Task RecordSendAsync(AppDbContext db, long sendId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.ExecuteSqlRawAsync(UpdateFlagsSql, [new SqliteParameter("@id", sendId)], ct);
        var send = await ReadAsync(db, sendId, ct) ?? throw new InvalidOperationException($"Send {sendId} does not exist.");
        await AddToDayAsync(db, send.EmailId, send.SentAt, send.ReportFlags, +1, ct);
        // The pair's sends (this one and the earlier ones) when it now has more than one.
        await db.Database.ExecuteSqlRawAsync("""
            INSERT OR IGNORE INTO EmailRepeatSends (SendId, EmailId, PersonId, SentAt, ReportFlags)
            SELECT o.Id, o.EmailId, o.PersonId, o.SentAt, o.ReportFlags
            FROM Sends s JOIN Sends o ON o.PersonId = s.PersonId AND o.EmailId = s.EmailId
            WHERE s.Id = @id
              AND EXISTS (SELECT 1 FROM Sends x WHERE x.PersonId = s.PersonId AND x.EmailId = s.EmailId AND x.Id <> s.Id)
            """, [new SqliteParameter("@id", sendId)], ct);
    }

    /// <summary>
    /// Re-reads the flags of sends whose events or bounces changed (an engagement event was added, a bounce applied) and
    /// moves each one whose outcome changed to its new bucket. Idempotent: calling it twice changes nothing more.
    /// </summary>
    public static async Task RefreshSendsAsync(AppDbContext db, IEnumerable<long> sendIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sendIds);
        foreach (var id in sendIds.Distinct())
        {
            // One read (old and new flags together), then, only if the outcome changed, one batch of writes: the send,
            // its copy among the repeated sends, and its day (the email and day of a send never change, so the move
            // from the old bucket to the new one is a single delta).
            var state = (await db.Database.SqlQueryRaw<FlagsRow>(ReadFlagsSql, new SqliteParameter("@id", id)).ToListAsync(ct))
                .FirstOrDefault();
            if (state is null || state.Old == state.New)
            {
                continue;
            }

            var before = Contribution(state.Old);
            var after = Contribution(state.New);
            await db.Database.ExecuteSqlRawAsync(MoveSendSql,
                [
                    new SqliteParameter("@id", id),
                    new SqliteParameter("@flags", state.New),
                    .. DayParameters(state.EmailId, DateTime.SpecifyKind(state.SentAt, DateTimeKind.Utc), 0,
                        after.Zip(before, (x, y) => x - y).ToArray()),
                ],
                ct);
        }
    }

    /// <summary>
    /// <see cref="RecordBounceAsync"/> for the bounce-apply path, on its prepared commands and open transaction. That path
    /// knows a bounce's email only through its matched send, so only the send's flags move. A send's flags are an OR over
    /// its events and bounces, and the stored flags are kept exact, so a new bounce only adds its own bit: the send's row
    /// is read by its key instead of re-reading every event and bounce of the send.
    /// </summary>
    internal static void RecordBounce(PreparedCommands sql, BounceEvent bounce)
    {
        var bit = bounce.Kind switch
        {
            BounceKind.Hard => (int)SendReportFlags.HardBounced,
            BounceKind.Soft => (int)SendReportFlags.SoftBounced,
            _ => 0,
        };
        if (bit != 0 && bounce.SendId is { } sendId)
        {
            AddFlag(sql, sendId, bit);
        }
    }

    /// <summary>Adds one flag to a send and, when that changes its outcome or engagement, moves it to its new bucket.</summary>
    private static void AddFlag(PreparedCommands sql, long id, int bit)
    {
        int emailId, oldFlags;
        DateTime sentAt;
        using (var r = sql.Reader(ReadSendSql, ("@id", id)))
        {
            if (!r.Read())
            {
                return;
            }

            (emailId, sentAt, oldFlags) = (r.GetInt32(0), r.GetDateTime(1), r.GetInt32(2));
        }

        var newFlags = oldFlags | bit;
        if (newFlags == oldFlags)
        {
            return;
        }

        var before = Contribution(oldFlags);
        var after = Contribution(newFlags);
        sql.Execute(MoveSendSql,
            ("@id", id), ("@flags", newFlags), ("@day", DateOnly.FromDateTime(sentAt)), ("@email", emailId), ("@sent", 0),
            ("@delivered", after[0] - before[0]), ("@hard", after[1] - before[1]), ("@soft", after[2] - before[2]),
            ("@pending", after[3] - before[3]), ("@opened", after[4] - before[4]), ("@clicked", after[5] - before[5]),
            ("@unsubscribed", after[6] - before[6]));
    }

    private const string ReadSendSql = "SELECT EmailId, SentAt, ReportFlags FROM Sends WHERE Id = @id";

    /// <summary>
    /// Moves one send to its new outcome: its flags, its copy among the repeated sends, and its day (the email and day of
    /// a send never change, so the move from the old bucket to the new one is a single delta).
    /// </summary>
    private static readonly string MoveSendSql = $"""
        UPDATE Sends SET ReportFlags = @flags WHERE Id = @id;
        UPDATE EmailRepeatSends SET ReportFlags = @flags WHERE SendId = @id;
        {UpsertDaySql}
        """;

    /// <summary>Re-reads the flags after an engagement event of <paramref name="sendId"/> was saved.</summary>
    public static Task RecordEventAsync(AppDbContext db, long sendId, CancellationToken ct = default)
        => RefreshSendsAsync(db, [sendId], ct);

    /// <summary>
    /// Re-reads the flags after a bounce was saved: of its send, or — for an applied bounce without a send — of every send
    /// of its email to its person at or before it (the report attributes such a bounce to each of them).
    /// </summary>
    public static async Task RecordBounceAsync(AppDbContext db, BounceEvent bounce, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(bounce);
        if (bounce.SendId is { } sendId)
        {
            await RefreshSendsAsync(db, [sendId], ct);
        }
        else if (bounce is { Outcome: BounceOutcome.Applied, PersonId: { } personId, EmailId: { } emailId })
        {
            var at = bounce.OccurredAt;
            var ids = await db.Sends.AsNoTracking()
                .Where(s => s.PersonId == personId && s.EmailId == emailId && s.SentAt <= at)
                .Select(s => s.Id)
                .ToListAsync(ct);
            await RefreshSendsAsync(db, ids, ct);
        }
    }

    /// <summary>
    /// Recomputes everything from Sends, EmailEvents and BounceEvents (after a bulk load, or to repair): every send's
    /// flags, the daily counts and the repeated sends. Runs in one transaction (the caller's, if one is open).
    /// </summary>
    public static async Task RebuildAsync(AppDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(ct)
            : null;
        var timeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        try
        {
            // Set-based: the flags of every send that has events or bounces are gathered in one grouped pass (a bit is
            // the MAX of its condition; SQLite has no bitwise-OR aggregate), then written in one UPDATE.
            var soft = (int)SendReportFlags.SoftBounced;
            var hard = (int)SendReportFlags.HardBounced;
            var sql = $"""
                DROP TABLE IF EXISTS temp.SendFlags;
                CREATE TEMP TABLE SendFlags (SendId INTEGER PRIMARY KEY, Flags INTEGER NOT NULL);
                INSERT INTO temp.SendFlags (SendId, Flags)
                SELECT SendId, MAX(so) * {soft} + MAX(ha) * {hard} + MAX(de) * {(int)SendReportFlags.Delivered}
                     + MAX(op) * {(int)SendReportFlags.Opened} + MAX(cl) * {(int)SendReportFlags.Clicked}
                     + MAX(un) * {(int)SendReportFlags.Unsubscribed}
                FROM (
                    SELECT SendId, 0 AS so, 0 AS ha, Type = {(int)EmailEventType.Delivered} AS de,
                        Type IN ({(int)EmailEventType.Opened}, {(int)EmailEventType.Clicked}, {(int)EmailEventType.Unsubscribed}) AS op,
                        Type = {(int)EmailEventType.Clicked} AS cl, Type = {(int)EmailEventType.Unsubscribed} AS un
                    FROM EmailEvents
                    UNION ALL
                    SELECT SendId, Kind = {(int)BounceKind.Soft}, Kind = {(int)BounceKind.Hard}, 0, 0, 0, 0
                    FROM BounceEvents WHERE SendId IS NOT NULL
                    UNION ALL
                    SELECT s.Id, b.Kind = {(int)BounceKind.Soft}, b.Kind = {(int)BounceKind.Hard}, 0, 0, 0, 0
                    FROM BounceEvents b
                    JOIN Sends s ON s.PersonId = b.PersonId AND s.EmailId = b.EmailId AND s.SentAt <= b.OccurredAt
                    WHERE b.SendId IS NULL AND b.Outcome = {(int)BounceOutcome.Applied}
                )
                GROUP BY SendId;
                UPDATE Sends SET ReportFlags = COALESCE((SELECT f.Flags FROM temp.SendFlags f WHERE f.SendId = Sends.Id), 0);
                DROP TABLE temp.SendFlags;

                DELETE FROM EmailDailyStats;
                INSERT INTO EmailDailyStats (Day, EmailId, Sent, Delivered, HardBounced, SoftBounced, Pending, Opened, Clicked, Unsubscribed)
                SELECT substr(SentAt, 1, 10), EmailId, COUNT(*),
                    SUM(r = {EmailPerformanceSql.RankDelivered}), SUM(r = {EmailPerformanceSql.RankHard}),
                    SUM(r = {EmailPerformanceSql.RankSoft}), SUM(r = {EmailPerformanceSql.RankNone}),
                    SUM(ReportFlags & {(int)SendReportFlags.Opened} <> 0), SUM(ReportFlags & {(int)SendReportFlags.Clicked} <> 0),
                    SUM(ReportFlags & {(int)SendReportFlags.Unsubscribed} <> 0)
                FROM (SELECT SentAt, EmailId, ReportFlags, {RankSql("ReportFlags")} AS r FROM Sends)
                GROUP BY substr(SentAt, 1, 10), EmailId;

                DELETE FROM EmailRepeatSends;
                INSERT INTO EmailRepeatSends (SendId, EmailId, PersonId, SentAt, ReportFlags)
                SELECT s.Id, s.EmailId, s.PersonId, s.SentAt, s.ReportFlags
                FROM (SELECT EmailId, PersonId FROM Sends GROUP BY EmailId, PersonId HAVING COUNT(*) > 1) r
                JOIN Sends s ON s.PersonId = r.PersonId AND s.EmailId = r.EmailId;
                """;
            await db.Database.ExecuteSqlRawAsync(sql, ct);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(ct);
            }
        }
        finally
        {
            db.Database.SetCommandTimeout(timeout);
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    private static async Task<SendState?> ReadAsync(AppDbContext db, long id, CancellationToken ct)
        => await db.Sends.AsNoTracking()
            .Where(s => s.Id == id)
            .Select(s => new SendState(s.EmailId, s.SentAt, s.ReportFlags))
            .FirstOrDefaultAsync(ct);

    private const string UpsertDaySql = """
        INSERT INTO EmailDailyStats (Day, EmailId, Sent, Delivered, HardBounced, SoftBounced, Pending, Opened, Clicked, Unsubscribed)
        VALUES (@day, @email, @sent, @delivered, @hard, @soft, @pending, @opened, @clicked, @unsubscribed)
        ON CONFLICT (Day, EmailId) DO UPDATE SET
            Sent = Sent + excluded.Sent, Delivered = Delivered + excluded.Delivered,
            HardBounced = HardBounced + excluded.HardBounced, SoftBounced = SoftBounced + excluded.SoftBounced,
            Pending = Pending + excluded.Pending, Opened = Opened + excluded.Opened,
            Clicked = Clicked + excluded.Clicked, Unsubscribed = Unsubscribed + excluded.Unsubscribed;
        """;

    private static readonly string ReadFlagsSql =
        $"SELECT s.EmailId AS EmailId, s.SentAt AS SentAt, s.ReportFlags AS Old, {FlagsSql} AS New FROM Sends s WHERE s.Id = @id";

    /// <summary>What one send with these flags adds to its day: Delivered, Hard, Soft, Pending, Opened, Clicked, Unsubscribed.</summary>
    private static int[] Contribution(int flags)
    {
        var rank = Rank(flags);
        return
        [
            rank == EmailPerformanceSql.RankDelivered ? 1 : 0,
            rank == EmailPerformanceSql.RankHard ? 1 : 0,
            rank == EmailPerformanceSql.RankSoft ? 1 : 0,
            rank == EmailPerformanceSql.RankNone ? 1 : 0,
            (flags & (int)SendReportFlags.Opened) != 0 ? 1 : 0,
            (flags & (int)SendReportFlags.Clicked) != 0 ? 1 : 0,
            (flags & (int)SendReportFlags.Unsubscribed) != 0 ? 1 : 0,
        ];
    }

    private static SqliteParameter[] DayParameters(int emailId, DateTime sentAt, int sent, int[] counts) =>
    [
        new("@day", DateOnly.FromDateTime(sentAt)),
        new("@email", emailId),
        new("@sent", sent),
        new("@delivered", counts[0]),
        new("@hard", counts[1]),
        new("@soft", counts[2]),
        new("@pending", counts[3]),
        new("@opened", counts[4]),
        new("@clicked", counts[5]),
        new("@unsubscribed", counts[6]),
    ];

    private static Task AddToDayAsync(AppDbContext db, int emailId, DateTime sentAt, int flags, int sign, CancellationToken ct)
        => db.Database.ExecuteSqlRawAsync(UpsertDaySql,
            DayParameters(emailId, sentAt, sign, [.. Contribution(flags).Select(c => c * sign)]), ct);

    // Shape of ReadFlagsSql's row; property names match its column aliases.
    private sealed class FlagsRow
    {
        public int EmailId { get; set; }
        public DateTime SentAt { get; set; }
        public int Old { get; set; }
        public int New { get; set; }
    }

    private sealed record SendState(int EmailId, DateTime SentAt, int ReportFlags);

    // ---- Sends recorded in bulk (SendsService: every send with an id above @before, in the batch's transaction) ----

    /// <summary>The batch's sends added to the per-day, per-email counts (the counting of the rebuild, for those rows only).</summary>
    internal static readonly string AddSendsAfterSql = $"""
        INSERT INTO EmailDailyStats (Day, EmailId, Sent, Delivered, HardBounced, SoftBounced, Pending, Opened, Clicked, Unsubscribed)
        SELECT Day, EmailId, COUNT(*),
            SUM(r = {EmailPerformanceSql.RankDelivered}), SUM(r = {EmailPerformanceSql.RankHard}),
            SUM(r = {EmailPerformanceSql.RankSoft}), SUM(r = {EmailPerformanceSql.RankNone}),
            SUM(f & {(int)Data.Entities.SendReportFlags.Opened} <> 0), SUM(f & {(int)Data.Entities.SendReportFlags.Clicked} <> 0),
            SUM(f & {(int)Data.Entities.SendReportFlags.Unsubscribed} <> 0)
        FROM (SELECT substr(SentAt, 1, 10) AS Day, EmailId, ReportFlags AS f, {EmailStats.RankSql("ReportFlags")} AS r
              FROM Sends NOT INDEXED WHERE Id > @before)
        WHERE true
        GROUP BY Day, EmailId
        ON CONFLICT (Day, EmailId) DO UPDATE SET
            Sent = Sent + excluded.Sent, Delivered = Delivered + excluded.Delivered,
            HardBounced = HardBounced + excluded.HardBounced, SoftBounced = SoftBounced + excluded.SoftBounced,
            Pending = Pending + excluded.Pending, Opened = Opened + excluded.Opened,
            Clicked = Clicked + excluded.Clicked, Unsubscribed = Unsubscribed + excluded.Unsubscribed
        """;

    /// <summary>
    /// Every send of each (email, person) pair of the batch that now has more than one send. NOT INDEXED keeps the batch's
    /// rows read by their id range: SQLite otherwise scanned the whole covering person index of Sends for the DISTINCT.
    /// </summary>
    internal const string AddRepeatSendsAfterSql = """
        INSERT OR IGNORE INTO EmailRepeatSends (SendId, EmailId, PersonId, SentAt, ReportFlags)
        SELECT o.Id, o.EmailId, o.PersonId, o.SentAt, o.ReportFlags
        FROM (SELECT DISTINCT PersonId, EmailId FROM Sends NOT INDEXED WHERE Id > @before) n
        JOIN Sends o ON o.PersonId = n.PersonId AND o.EmailId = n.EmailId
        WHERE (SELECT COUNT(*) FROM Sends x WHERE x.PersonId = n.PersonId AND x.EmailId = n.EmailId) > 1
        """;
}
