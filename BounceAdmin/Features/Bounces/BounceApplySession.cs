using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Features.Reports;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces;

/// <summary>
/// Applies bounce messages, one transaction per message, on one open connection with its statements prepared once.
/// Open one with <see cref="BounceRulesService.OpenSessionAsync"/> for a run of messages (an ingest, an upload, a bench)
/// and dispose it at the end; it holds no lock between messages. One caller at a time: a session is not thread-safe
/// (SQLite has one writer anyway).
/// </summary>
/// <remarks>
/// <para>This is the hot path of ingestion, so it talks to SQLite directly: at a million people an EF Core round trip
/// (context, LINQ translation, change tracking, SaveChanges) cost several times the SQL it ran (BENCH.md). The rules
/// themselves are not here: <see cref="BounceRulesService.ApplyRules"/> decides every field change, and this class only
/// reads the person, stores the event, the audit entries and the person's new values, and moves the aggregates.</para>
/// <para>What the EF guard (<see cref="BounceFieldGuard"/>) checks on SaveChanges is checked here before the UPDATE
/// (<see cref="BounceRulesService.ApplyRules"/> only moves the fields forward and audits each change), and the database
/// itself refuses clearing Email Suspended or moving Email Suspended At back (triggers, whatever the path).</para>
/// </remarks>
public sealed class BounceApplySession : IAsyncDisposable
{
    private const string PersonColumns =
        "Id, EmailNormalized, EmailSuspended, EmailSuspendedCause, EmailSuspendedAt, EmailInvalid, EmailInvalidCause, Unsubscribed, Version";

    private static readonly string DedupSql = "SELECT EXISTS (SELECT 1 FROM BounceEvents WHERE DedupKey = @key)";
    // A send and the person it went to, in one read.
    private static readonly string SendAndPerson =
        $"SELECT s.Id, s.EmailId, {string.Join(", ", PersonColumns.Split(", ").Select(c => "p." + c))} FROM Sends s LEFT JOIN People p ON p.Id = s.PersonId";

    private static readonly string SendByIdSql = $"{SendAndPerson} WHERE s.Id = @id";
    private static readonly string SendByMessageIdSql = $"{SendAndPerson} WHERE s.MessageId = @mid LIMIT 1";
    private static readonly string PersonByEmailSql = $"SELECT {PersonColumns} FROM People WHERE EmailNormalized = @email";

    // A send to the person recently enough to make a bounce verified (the index on PersonId, SentAt answers it).
    private const string RecentSendSql = "SELECT EXISTS (SELECT 1 FROM Sends WHERE PersonId = @person AND SentAt >= @since)";

    private static readonly string EngagedSql = $"""
        SELECT EXISTS (SELECT 1 FROM EmailEvents WHERE PersonId = @person
            AND Type IN ({(int)EmailEventType.Opened}, {(int)EmailEventType.Clicked}) AND OccurredAt >= @since)
        """;

    private static readonly string BurstSql = $"""
        SELECT COUNT(*) FROM (SELECT 1 FROM BounceEvents
            WHERE OccurredAt >= @from AND OccurredAt <= @to AND RecipientDomain = @domain AND Category = {BounceTaxonomy.Invalid}
            LIMIT {BounceRulesService.BurstThreshold})
        """;

    private const string DomainDaysInvalidSql = """
        SELECT COALESCE(SUM("Category2"), 0) FROM "DomainDailyStats" WHERE "Domain" = @domain AND "Day" >= @fromDay AND "Day" <= @toDay
        """;

    private const string InsertEventSql = """
        INSERT INTO BounceEvents (PersonId, SendId, EmailId, Recipient, RecipientDomain, Category, Reason, Kind, Status, ReplyCode,
            Diagnostic, RemoteMta, Source, Rule, RuleExplanation, OriginalMessageId, OccurredAt, ReceivedAt, DedupKey, Outcome,
            Changes, SuspectedFalsePositive, Permanent, ClaimedOccurredAt, Unverified)
        VALUES (@person, @send, @email, @recipient, @domain, @category, @reason, @kind, @status, @reply,
            @diagnostic, @mta, @source, @rule, @explanation, @mid, @occurred, @received, @dedup, @outcome,
            @changes, @suspect, @permanent, @claimed, @unverified)
        RETURNING Id
        """;

    private const string InsertAuditSql = """
        INSERT INTO AuditEntries (PersonId, At, Actor, BounceEventId, Field, OldValue, NewValue, Reason)
        VALUES (@person, @at, @actor, @event, @field, @old, @new, @reason)
        """;

    /// <summary>
    /// For the session's connection: a larger page cache (64 MiB instead of 2 MiB) keeps the upper levels of the big
    /// indexes a bounce touches in memory between messages, and the automatic WAL checkpoint waits for 32,768 pages
    /// (128 MiB) instead of 1,000. The copying back into the database file is done meanwhile by a
    /// <see cref="BackgroundCheckpointer"/> on a second connection and core; the writer's own checkpoint only bounds the
    /// WAL and finds most pages already copied. Measured at a million people (BENCH.md): commit 208 µs per message with
    /// the writer checkpointing every 8,192 pages itself, 148 µs with the background copy, 120 µs with this bound.
    /// </summary>
    private const string SessionPragmas = "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 32768;";

    /// <summary>SQLite's defaults, restored before the connection goes back to the pool; the checkpoint writes what the session left in the WAL.</summary>
    private const string DefaultPragmas = "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(PASSIVE);";

    private readonly AppDbContext _db;
    private readonly BackgroundCheckpointer? _checkpointer;
    private readonly PreparedCommands _sql;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _clock;
    private readonly UnverifiedPolicy _policy;
    private readonly int _defaultTimeout;
    private readonly Dictionary<PersonColumn, string> _updateSql = [];

    private BounceApplySession(AppDbContext db, SqliteConnection connection, TimeProvider clock, UnverifiedPolicy policy,
        BackgroundCheckpointer? checkpointer, TimeSpan? busyTimeout)
    {
        _db = db;
        _connection = connection;
        _clock = clock;
        _policy = policy;
        _checkpointer = checkpointer;
        _defaultTimeout = connection.DefaultTimeout;
        if (busyTimeout is { } t)
        {
            // SQLite's busy wait for BEGIN IMMEDIATE and every statement of the session (commands take it when created).
            connection.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(t.TotalSeconds));
        }

        _sql = new PreparedCommands(connection);
    }

    [Flags]
    private enum PersonColumn
    {
        None = 0,
        EmailSuspended = 1,
        EmailSuspendedCause = 2,
        EmailSuspendedAt = 4,
        EmailInvalid = 8,
        EmailInvalidCause = 16,
        Unsubscribed = 32,
    }

    internal static async Task<BounceApplySession> OpenAsync(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock,
        UnverifiedPolicy policy, TimeSpan? busyTimeout, CancellationToken ct)
    {
        // The connection comes from an EF context so it carries the app's settings (connection string, the
        // synchronous=NORMAL interceptor) — or, in tests, the one shared in-memory connection.
        var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            Pragma(connection, SessionPragmas);
            return new BounceApplySession(db, connection, clock, policy, BackgroundCheckpointer.TryStart(connection), busyTimeout);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Applies the bounces of one message together: all of them or, on error, none (one transaction). A bounce whose
    /// de-duplication key was stored before is a duplicate and changes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">An input is not a valid bounce (nothing of the message is applied).</exception>
    public Task<IReadOnlyList<ApplyResult>> ApplyManyAsync(IReadOnlyList<BounceInput> inputs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ct.ThrowIfCancellationRequested();
        foreach (var input in inputs)
        {
            BounceRulesService.Validate(input);
        }

        // Microsoft.Data.Sqlite does its I/O synchronously whatever the method called, so the work runs synchronously
        // here rather than paying for a state machine per statement. BEGIN IMMEDIATE: the write lock is taken first, so
        // the duplicate check and the insert cannot race another writer.
        using var tx = _connection.BeginTransaction(deferred: false);
        _sql.Transaction = tx;
        try
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            var results = new ApplyResult[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                results[i] = ApplyOne(inputs[i], now);
            }

            tx.Commit();
            _checkpointer?.Committed();
            return Task.FromResult<IReadOnlyList<ApplyResult>>(results);
        }
        finally
        {
            _sql.Transaction = null;
        }
    }

    /// <summary>Restores the connection's defaults and writes the session's WAL back into the database file.</summary>
    public async ValueTask DisposeAsync()
    {
        _sql.Dispose();
        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync();
        }

        try
        {
            _connection.DefaultTimeout = _defaultTimeout;
            Pragma(_connection, DefaultPragmas);
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }

        await _db.DisposeAsync();
    }

    private static void Pragma(SqliteConnection connection, string pragmas)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }

    private ApplyResult ApplyOne(BounceInput input, DateTime now)
    {
        var dedup = input.DedupKey.Length > 128 ? input.DedupKey[..128] : input.DedupKey;
        if (_sql.Scalar(DedupSql, ("@key", dedup)) is 1L)
        {
            return new ApplyResult(ApplyOutcome.Duplicate, null, null, null);
        }

        var recipient = input.Recipient.Trim().ToLowerInvariant();
        var permanent = BounceRulesService.PermanenceOf(input.Reason, input.Permanent, input.Status, input.ReplyCode);
        var category = BounceTaxonomy.CategoryOf(input.Reason, permanent);

        // The matched send, when the returned headers name one; it only counts if it went to this recipient (a
        // forwarded or aliased bounce keeps the person but not the send).
        var (send, person) = FindSend(input);
        if (send is not null && person?.EmailNormalized != recipient)
        {
            (send, person) = (null, null);
        }

        person ??= ReadPerson(PersonByEmailSql, ("@email", recipient));

        var evt = BounceRulesService.NewEvent(input, recipient, category, dedup, now);
        evt.Permanent = permanent;
        evt.PersonId = person?.Id;
        evt.SendId = send?.Id;
        evt.EmailId = send?.EmailId;
        // Verified: the returned headers name a send of ours to this address, or we sent to the person recently.
        evt.Unverified = send is null
            && (person is null || _sql.Scalar(RecentSendSql, ("@person", person.Id), ("@since", now - BounceTrustOptions.VerificationWindow)) is not 1L);
        var changes = new List<BounceRulesService.FieldChange>(3);
        var columns = PersonColumn.None;
        ApplyOutcome outcome;

        if (!BounceTaxonomy.IsBounce(input.Reason))
        {
            evt.Outcome = BounceOutcome.NotABounce;
            outcome = ApplyOutcome.NotABounce;
            if (input.Reason == "feedback" && person is { Unsubscribed: false } && !evt.Unverified)
            {
                // A complaint (feedback-loop report) unsubscribes the person; it never touches the bounce fields. One that
                // matches no send of ours does not: anyone can send a report to a feedback address.
                person.Unsubscribed = true;
                columns = PersonColumn.Unsubscribed;
                changes.Add(new("Unsubscribed", "false", "true"));
                evt.Changes = "Unsubscribed: false → true (complaint)";
            }
        }
        else if (person is null)
        {
            evt.Outcome = BounceOutcome.Unmatched;
            outcome = ApplyOutcome.Unmatched;
        }
        else if (BounceRulesService.HoldOutcome(evt.Unverified, _policy, category) is { } held)
        {
            // An unverified bounce that would take the person away: kept for an Admin (review) or for the record (ignore).
            evt.Outcome = held;
            outcome = ApplyOutcome.Held;
        }
        else
        {
            evt.Outcome = BounceOutcome.Applied;
            outcome = ApplyOutcome.Applied;
            if (category == BounceTaxonomy.Invalid)
            {
                evt.SuspectedFalsePositive = BounceRulesService.LooksLikeSpamFilter(input.Diagnostic)
                    || _sql.Scalar(EngagedSql, ("@person", person.Id), ("@since", evt.OccurredAt - BounceRulesService.RecentEngagementWindow)) is 1L
                    || IsBurst(evt);
            }

            var (suspendedBefore, suspendedAtBefore) = (person.EmailSuspended, person.EmailSuspendedAt);
            var (suspendedCauseBefore, invalidBefore, invalidCauseBefore) = (person.EmailSuspendedCause, person.EmailInvalid, person.EmailInvalidCause);
            changes.AddRange(BounceRulesService.ApplyRules(person, evt));
            evt.Changes = BounceRulesService.Describe(changes);
            columns |= person.EmailSuspended != suspendedBefore ? PersonColumn.EmailSuspended : 0;
            columns |= person.EmailSuspendedAt != suspendedAtBefore ? PersonColumn.EmailSuspendedAt : 0;
            columns |= person.EmailSuspendedCause != suspendedCauseBefore ? PersonColumn.EmailSuspendedCause : 0;
            columns |= person.EmailInvalid != invalidBefore ? PersonColumn.EmailInvalid : 0;
            columns |= person.EmailInvalidCause != invalidCauseBefore ? PersonColumn.EmailInvalidCause : 0;
            BounceFieldGuard.CheckSuspension(suspendedBefore, person.EmailSuspended, suspendedAtBefore, person.EmailSuspendedAt);
        }

        evt.Id = InsertEvent(evt);
        if (person is not null && columns != PersonColumn.None)
        {
            var reason = changes.Count > 0 && columns == PersonColumn.Unsubscribed
                ? $"Complaint (feedback report) from {evt.Source}"
                : BounceRulesService.AuditReason(evt);
            foreach (var change in changes)
            {
                _sql.Execute(InsertAuditSql,
                    ("@person", person.Id), ("@at", now), ("@actor", "bounce"), ("@event", evt.Id), ("@field", change.Field),
                    ("@old", change.OldValue), ("@new", change.NewValue), ("@reason", reason));
            }

            UpdatePerson(person, columns, now);
        }

        // Domain health counts every stored bounce, and the report's aggregates move with it, in the same transaction
        // (a duplicate stores no event and counts nothing).
        DomainStatsWriter.CountBounce(_sql, evt);
        if (evt.Kind != BounceKind.None)
        {
            EmailStats.RecordBounce(_sql, evt);
        }

        return new ApplyResult(outcome, evt.Id, person?.Id, evt.Changes);
    }

    /// <summary>
    /// Whether <paramref name="evt"/> makes a burst (SPEC §3). The window count reads the bounce events; it runs only when
    /// the days around the window already hold enough Category 2 bounces at the domain (the domain-health aggregate, kept
    /// in the same transactions as the events), which most domains never do — an exact shortcut, not an estimate.
    /// </summary>
    private bool IsBurst(BounceEvent evt)
    {
        var (from, to) = (evt.OccurredAt - BounceRulesService.BurstWindow, evt.OccurredAt + BounceRulesService.BurstWindow);
        var thoseDays = (long)_sql.Scalar(DomainDaysInvalidSql,
            ("@domain", evt.RecipientDomain), ("@fromDay", DomainStatsWriter.DayOf(from)), ("@toDay", DomainStatsWriter.DayOf(to)))!;
        return thoseDays + 1 >= BounceRulesService.BurstThreshold
            && (long)_sql.Scalar(BurstSql, ("@from", from), ("@to", to), ("@domain", evt.RecipientDomain))! + 1 >= BounceRulesService.BurstThreshold;
    }

    private ((long Id, int EmailId)? Send, Person? Person) FindSend(BounceInput input)
    {
        if (input.SendId is { } id && ReadSend(SendByIdSql, ("@id", id)) is { Send: not null } byId)
        {
            return byId;
        }

        return string.IsNullOrWhiteSpace(input.OriginalMessageId)
            ? (null, null)
            : ReadSend(SendByMessageIdSql, ("@mid", input.OriginalMessageId.Trim().Trim('<', '>')));
    }

    private ((long Id, int EmailId)? Send, Person? Person) ReadSend(string sql, (string, object?) parameter)
    {
        using var r = _sql.Reader(sql, parameter);
        return r.Read() ? ((r.GetInt64(0), r.GetInt32(1)), r.IsDBNull(2) ? null : ReadPerson(r, 2)) : (null, null);
    }

    private Person? ReadPerson(string sql, (string, object?) parameter)
    {
        using var r = _sql.Reader(sql, parameter);
        return r.Read() ? ReadPerson(r, 0) : null;
    }

    private static Person ReadPerson(SqliteDataReader r, int first) => new()
    {
        Id = r.GetInt32(first),
        EmailNormalized = r.IsDBNull(first + 1) ? null : r.GetString(first + 1),
        EmailSuspended = r.GetBoolean(first + 2),
        EmailSuspendedCause = r.IsDBNull(first + 3) ? null : r.GetString(first + 3),
        EmailSuspendedAt = r.IsDBNull(first + 4) ? null : DateTime.SpecifyKind(r.GetDateTime(first + 4), DateTimeKind.Utc),
        EmailInvalid = r.GetBoolean(first + 5),
        EmailInvalidCause = r.IsDBNull(first + 6) ? null : r.GetString(first + 6),
        Unsubscribed = r.GetBoolean(first + 7),
        Version = r.GetInt64(first + 8),
    };

    private long InsertEvent(BounceEvent e)
        => (long)_sql.Scalar(InsertEventSql,
            ("@person", e.PersonId), ("@send", e.SendId), ("@email", e.EmailId), ("@recipient", e.Recipient),
            ("@domain", e.RecipientDomain), ("@category", e.Category), ("@reason", e.Reason), ("@kind", (int)e.Kind),
            ("@status", e.Status), ("@reply", e.ReplyCode), ("@diagnostic", e.Diagnostic), ("@mta", e.RemoteMta),
            ("@source", e.Source), ("@rule", e.Rule), ("@explanation", e.RuleExplanation), ("@mid", e.OriginalMessageId),
            ("@occurred", e.OccurredAt), ("@received", e.ReceivedAt), ("@dedup", e.DedupKey), ("@outcome", (int)e.Outcome),
            ("@changes", e.Changes), ("@suspect", e.SuspectedFalsePositive), ("@permanent", e.Permanent),
            ("@claimed", e.ClaimedOccurredAt), ("@unverified", e.Unverified))!;

    private void UpdatePerson(Person person, PersonColumn columns, DateTime now)
    {
        // Only the columns that changed are written, so SQLite leaves the indexes of the others alone; the version check
        // mirrors EF's concurrency token (it cannot fail under BEGIN IMMEDIATE, but a mismatch must never pass silently).
        if (!_updateSql.TryGetValue(columns, out var sql))
        {
            var set = Enum.GetValues<PersonColumn>().Where(c => c != PersonColumn.None && columns.HasFlag(c)).Select(c => $"{c} = @{c}");
            sql = $"UPDATE People SET {string.Join(", ", set)}, UpdatedAt = @now, Version = Version + 1 WHERE Id = @id AND Version = @version";
            _updateSql[columns] = sql;
        }

        var values = new List<(string, object?)>(8);
        foreach (var c in Enum.GetValues<PersonColumn>())
        {
            if (c == PersonColumn.None || !columns.HasFlag(c))
            {
                continue;
            }

            values.Add(("@" + c, c switch
            {
                PersonColumn.EmailSuspended => person.EmailSuspended,
                PersonColumn.EmailSuspendedCause => person.EmailSuspendedCause,
                PersonColumn.EmailSuspendedAt => person.EmailSuspendedAt,
                PersonColumn.EmailInvalid => person.EmailInvalid,
                PersonColumn.EmailInvalidCause => person.EmailInvalidCause,
                _ => person.Unsubscribed,
            }));
        }

        values.Add(("@now", now));
        values.Add(("@id", person.Id));
        values.Add(("@version", person.Version));
        if (_sql.Execute(sql, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)) != 1)
        {
            throw new DbUpdateConcurrencyException($"Person {person.Id} was changed by someone else while a bounce was applied.");
        }
    }
}
