using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using CsvHelper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Import;

/// <summary>
/// People import (issue 12): one path for the page, the <c>import people</c> command and <c>bench</c>. Admin only, checked
/// here. A preview reads the whole file and counts what would happen without writing; an import upserts people by
/// normalised address in batches of rows, each batch one transaction together with the import batch's counts, so a
/// failure or a cancel leaves every committed batch whole and the same file can simply be imported again (rows already
/// in are then unchanged).
/// </summary>
/// <remarks>
/// The rows are written with prepared SQL on one connection, as <see cref="Bounces.BounceApplySession"/> does: an EF
/// round trip per row would cost more than the SQL itself at a million rows. The rules live in
/// <see cref="ImportRules.Decide"/>, which never clears Email Suspended or moves its time back, so the database's own
/// guards (the suspension triggers) never fire on an import; every change to a bounce field is written with its audit
/// entry in the same transaction.
/// </remarks>
public sealed class PeopleImportService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>Rejected and partly imported rows kept for the list and the download; more are counted only.</summary>
    public const int MaxIssuesKept = 10_000;

    /// <summary>Rows shown as parsed in the preview.</summary>
    public const int FirstRowsShown = 20;

    /// <summary>The largest file the page accepts (the command line has no limit: it reads the file as a stream).</summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    private const int LookupChunk = 500;

    private const string PersonColumns =
        "Id, Email, FirstName, LastName, Company, Unsubscribed, Blocklisted, MarketingSuspended, EmailSuspended, EmailSuspendedCause, "
        + "EmailSuspendedAt, EmailInvalid, EmailInvalidCause, EmailNormalized";

    private static readonly string LookupSql =
        $"SELECT {PersonColumns} FROM People WHERE EmailNormalized IN ({string.Join(", ", Enumerable.Range(0, LookupChunk).Select(i => "@e" + i))})";

    private static readonly string[] LookupNames = Enumerable.Range(0, LookupChunk).Select(i => "@e" + i).ToArray();

    private const string InsertSql = """
        INSERT INTO People (Email, EmailNormalized, EmailDomain, FirstName, LastName, Company, EmailSuspended, EmailSuspendedCause,
            EmailSuspendedAt, EmailInvalid, EmailInvalidCause, Unsubscribed, MarketingSuspended, Blocklisted, IsDeleted, CreatedAt,
            UpdatedAt, Version, ImportBatchId)
        VALUES (@email, @normalized, @domain, @first, @last, @company, @suspended, @suspendedCause,
            @suspendedAt, @invalid, @invalidCause, @unsubscribed, @marketingSuspended, @blocklisted, 0, @now,
            @now, 0, @batch)
        RETURNING Id
        """;

    private const string UpdateSql = """
        UPDATE People SET FirstName = @first, LastName = @last, Company = @company, EmailSuspended = @suspended,
            EmailSuspendedCause = @suspendedCause, EmailSuspendedAt = @suspendedAt, EmailInvalid = @invalid,
            EmailInvalidCause = @invalidCause, Unsubscribed = @unsubscribed, MarketingSuspended = @marketingSuspended,
            Blocklisted = @blocklisted, UpdatedAt = @now, Version = Version + 1
        WHERE Id = @id
        """;

    private const string InsertAuditSql = """
        INSERT INTO AuditEntries (PersonId, At, Actor, BounceEventId, Field, OldValue, NewValue, Reason, BatchId)
        VALUES (@person, @at, @actor, NULL, @field, @old, @new, @reason, @batch)
        """;

    private const string BatchCountsSql = """
        UPDATE ImportBatches SET Rows = @rows, Created = @created, Updated = @updated, Unchanged = @unchanged, Rejected = @rejected
        WHERE Id = @id
        """;

    private const string FinishSql = """
        UPDATE ImportBatches SET Rows = @rows, Created = @created, Updated = @updated, Unchanged = @unchanged, Rejected = @rejected,
            Status = @status, FinishedAt = @finished, Error = @error
        WHERE Id = @id
        """;

    /// <summary>Reads the header and the first rows, and maps the columns: as this user mapped the same headers last time, else from the header names.</summary>
    public async Task<ImportInspection> InspectAsync(string path, string fileName, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        var remembered = await RememberedMappingAsync(actor, ct);
        return await Task.Run(() =>
        {
            using var reader = ImportFileReader.Open(path, fileName);
            var columns = new List<ImportColumn>(reader.Header.Count);
            var fromMemory = false;
            var used = new HashSet<ImportField>();
            for (var i = 0; i < reader.Header.Count; i++)
            {
                var header = reader.Header[i];
                var field = ImportFields.Detect(header);
                if (remembered.TryGetValue(ImportFields.Key(header), out var saved))
                {
                    fromMemory |= saved != field;
                    field = saved;
                }

                // A field fills one column: a second column with the same name is not imported unless mapped by hand.
                if (field != ImportField.Ignore && !used.Add(field))
                {
                    field = ImportField.Ignore;
                }

                columns.Add(new ImportColumn(i, header, field));
            }

            var rows = new List<IReadOnlyList<string?>>();
            while (rows.Count < 10 && reader.Next(out _, out var cells, out _))
            {
                rows.Add(cells);
            }

            return new ImportInspection(Path.GetFileName(fileName), reader.Format, columns, rows, fromMemory);
        }, ct);
    }

    /// <summary>Reads the whole file and says what an import would do, writing nothing.</summary>
    /// <exception cref="ImportFileException">The file cannot be read (nothing was written).</exception>
    public async Task<ImportResult> PreviewAsync(string path, string fileName, IReadOnlyList<ImportColumn> columns, ImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        Check(columns, options);
        return await Task.Run(() => Run(path, fileName, columns, options, actor, write: false, progress, ct), ct);
    }

    /// <summary>
    /// Imports the file as one import batch. A cancel or an error stops it after the last committed batch of rows; the
    /// result (and the import batch) then says Cancelled or Failed, and importing the same file again completes it.
    /// </summary>
    /// <exception cref="ImportFileException">The file cannot be opened at all (nothing was written).</exception>
    public async Task<ImportResult> ImportAsync(string path, string fileName, IReadOnlyList<ImportColumn> columns, ImportOptions options,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        Check(columns, options);
        return await Task.Run(() => Run(path, fileName, columns, options, actor, write: true, progress, ct), CancellationToken.None);
    }

    /// <summary>The most recent imports, newest first.</summary>
    public async Task<IReadOnlyList<ImportBatchRow>> RecentBatchesAsync(int take = 10, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ImportBatches.AsNoTracking().OrderByDescending(b => b.Id).Take(take)
            .Select(b => new ImportBatchRow(b.Id, b.Name, b.FileName, b.CreatedBy, b.StartedAt, b.FinishedAt, b.Status, b.Rows,
                b.Created, b.Updated, b.Unchanged, b.Rejected, b.Error))
            .ToListAsync(ct);
    }

    /// <summary>
    /// The rejected rows as CSV: the row number, the reason, then the row's own cells under the file's header. Cells that
    /// a spreadsheet would run as a formula (starting with = + - @) are escaped (CsvHelper's injection escape).
    /// </summary>
    public static byte[] RejectedRowsCsv(IReadOnlyList<string> header, IEnumerable<ImportIssue> issues)
    {
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(["Row", "Reason", .. header]);
            foreach (var issue in issues.Where(i => i.Rejected))
            {
                csv.WriteField(issue.Row);
                csv.WriteField(issue.Reason);
                foreach (var cell in issue.Cells)
                {
                    csv.WriteField(cell);
                }

                csv.EndRecord();
            }

            csv.Flush();
        }

        return stream.ToArray();
    }

    /// <summary>The summary line of the command: <c>{"rows":N,"created":N,"updated":N,"unchanged":N,"rejected":N}</c>.</summary>
    public static string SummaryJson(ImportCounts c)
        => string.Create(CultureInfo.InvariantCulture,
            $"{{\"rows\":{c.Rows},\"created\":{c.Created},\"updated\":{c.Updated},\"unchanged\":{c.Unchanged},\"rejected\":{c.Rejected}}}");

    private static void Check(IReadOnlyList<ImportColumn> columns, ImportOptions options)
    {
        var emails = columns.Count(c => c.Field == ImportField.Email);
        if (emails != 1)
        {
            throw new ArgumentException(emails == 0
                ? "Map one column to Email: people are matched on their address."
                : "Only one column can be mapped to Email.");
        }

        var twice = columns.Where(c => c.Field != ImportField.Ignore).GroupBy(c => c.Field).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException($"{ImportFields.Label(twice.Key)} is mapped to more than one column ({string.Join(", ", twice.Select(c => c.Header))}); keep one.");
        }

        if (options.ClearEmailInvalid)
        {
            PersonAdminService.RequireReason(options.ClearEmailInvalidReason);
        }

        if (options.BatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException("The batch size must be between 1 and 100,000 rows.");
        }
    }

    private async Task<Dictionary<string, ImportField>> RememberedMappingAsync(string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = await db.ImportBatches.AsNoTracking().Where(b => b.CreatedBy == actor && b.Mapping != null)
            .OrderByDescending(b => b.Id).Select(b => b.Mapping).FirstOrDefaultAsync(ct);
        var result = new Dictionary<string, ImportField>(StringComparer.Ordinal);
        if (json is null)
        {
            return result;
        }

        try
        {
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [])
            {
                if (Enum.TryParse<ImportField>(value, out var field))
                {
                    result[key] = field;
                }
            }
        }
        catch (JsonException)
        {
            // A mapping this build cannot read: start from the headers.
        }

        return result;
    }

    private static string MappingJson(IReadOnlyList<ImportColumn> columns)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            var key = ImportFields.Key(c.Header);
            if (key.Length > 0)
            {
                map.TryAdd(key, c.Field.ToString());
            }
        }

        return JsonSerializer.Serialize(map);
    }

    private ImportResult Run(string path, string fileName, IReadOnlyList<ImportColumn> columns, ImportOptions options, string actor,
        bool write, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var clock0 = Stopwatch.StartNew();
        var name = Path.GetFileName(fileName);
        using var reader = ImportFileReader.Open(path, name);
        if (columns.Any(c => c.Index < 0 || c.Index >= reader.Header.Count))
        {
            throw new ArgumentException("The mapping does not fit this file's columns; inspect the file again.");
        }

        var state = new RunState(reader, columns);
        using var db = dbFactory.CreateDbContext();
        db.Database.OpenConnection();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        using var sql = new PreparedCommands(connection);
        var startedAt = clock.GetUtcNow().UtcDateTime;
        ImportBatch? batch = null;
        var status = ImportBatchStatus.Completed;
        string? error = null;
        if (write)
        {
            batch = new ImportBatch
            {
                Name = Truncate(string.IsNullOrWhiteSpace(options.Name) ? $"{name} {startedAt:yyyy-MM-dd HH:mm} UTC" : options.Name.Trim(), 200),
                FileName = Truncate(name, 260),
                CreatedBy = Truncate(actor, 256),
                StartedAt = startedAt,
                Status = ImportBatchStatus.Running,
                Mapping = MappingJson(columns),
                AuditBatchId = Guid.NewGuid(),
            };
            db.ImportBatches.Add(batch);
            db.SaveChanges();
            Pragma(connection, "PRAGMA cache_size = -131072;");
        }

        var auditReason = batch is null ? "" : Truncate($"Imported from {name} (import batch {batch.Id})", 2000);
        var clearReason = options.ClearEmailInvalid && batch is not null
            ? Truncate($"{PersonAdminService.RequireReason(options.ClearEmailInvalidReason)} (unchecked by import of {name}, import batch {batch.Id})", PersonAdminService.MaxReasonLength)
            : "";
        var pending = new List<ImportRow>(options.BatchSize);
        var finished = false;
        try
        {
            var more = true;
            while (more)
            {
                ct.ThrowIfCancellationRequested();
                pending.Clear();
                while (pending.Count < options.BatchSize && (more = reader.Next(out var row, out var cells, out var malformed)))
                {
                    state.Rows++;
                    if (state.Parse(row, cells, malformed) is { } parsed)
                    {
                        pending.Add(parsed);
                    }
                }

                if (write)
                {
                    using var tx = connection.BeginTransaction(deferred: false);
                    sql.Transaction = tx;
                    var now = clock.GetUtcNow().UtcDateTime;
                    Apply(sql, state, pending, options, now, batch!, actor, auditReason, clearReason);
                    ct.ThrowIfCancellationRequested();
                    sql.Execute(BatchCountsSql, ("@rows", state.Rows), ("@created", state.Created), ("@updated", state.Updated),
                        ("@unchanged", state.Unchanged), ("@rejected", state.Rejected), ("@id", batch!.Id));
                    tx.Commit();
                    sql.Transaction = null;
                    state.Commit();
                }
                else
                {
                    Apply(sql, state, pending, options, default, null, actor, auditReason, clearReason);
                    state.Commit();
                }

                progress?.Report(new ImportProgress(state.Committed, reader.Fraction, state.Committed.Rows / Math.Max(0.001, clock0.Elapsed.TotalSeconds), clock0.Elapsed));
            }

            finished = true;
        }
        catch (OperationCanceledException) when (write)
        {
            status = ImportBatchStatus.Cancelled;
        }
        catch (Exception ex) when (write && ex is ImportFileException or SqliteException or BounceRuleException or DbUpdateException)
        {
            status = ImportBatchStatus.Failed;
            error = Truncate(ex.Message, 2000);
        }
        finally
        {
            sql.Transaction = null;
            if (!finished && status == ImportBatchStatus.Completed)
            {
                // An error nobody expected is on its way up: the batch record must not say Completed.
                status = ImportBatchStatus.Failed;
                error = "Stopped by an unexpected error; the batches before it are saved.";
            }

            if (batch is not null)
            {
                Pragma(connection, "PRAGMA cache_size = -2000;");
                var c = state.Committed;
                sql.Execute(FinishSql, ("@rows", c.Rows), ("@created", c.Created), ("@updated", c.Updated), ("@unchanged", c.Unchanged),
                    ("@rejected", c.Rejected), ("@status", (int)status),
                    ("@finished", clock.GetUtcNow().UtcDateTime), ("@error", error), ("@id", batch.Id));
            }
        }

        return new ImportResult(batch?.Id, status, state.Committed, reader.Format, state.FirstRows.OrderBy(r => r.Row).ToList(), state.CommittedIssues,
            state.IssuesOmitted, state.TimesWithoutOffset, state.Warnings, clock0.Elapsed.TotalSeconds, error);
    }

    private static void Apply(PreparedCommands sql, RunState state, List<ImportRow> rows, ImportOptions options, DateTime now,
        ImportBatch? batch, string actor, string auditReason, string clearReason)
    {
        var existing = Lookup(sql, rows);
        foreach (var row in rows)
        {
            existing.TryGetValue(row.Normalized, out var person);
            var decision = ImportRules.Decide(row, person, options.ClearEmailInvalid);
            state.Count(row, decision);
            if (batch is null || decision.Outcome == ImportRowOutcome.Unchanged)
            {
                continue;
            }

            var a = decision.After;
            long id;
            if (decision.Outcome == ImportRowOutcome.Created)
            {
                var at = row.Normalized.LastIndexOf('@');
                id = (long)sql.Scalar(InsertSql, ("@email", row.Email), ("@normalized", row.Normalized), ("@domain", row.Normalized[(at + 1)..]),
                    ("@first", a.FirstName), ("@last", a.LastName), ("@company", a.Company), ("@suspended", a.EmailSuspended),
                    ("@suspendedCause", a.EmailSuspendedCause), ("@suspendedAt", a.EmailSuspendedAt), ("@invalid", a.EmailInvalid),
                    ("@invalidCause", a.EmailInvalidCause), ("@unsubscribed", a.Unsubscribed), ("@marketingSuspended", a.MarketingSuspended),
                    ("@blocklisted", a.Blocklisted), ("@now", now), ("@batch", batch.Id))!;
            }
            else
            {
                id = person!.Id;
                sql.Execute(UpdateSql, ("@first", a.FirstName), ("@last", a.LastName), ("@company", a.Company), ("@suspended", a.EmailSuspended),
                    ("@suspendedCause", a.EmailSuspendedCause), ("@suspendedAt", a.EmailSuspendedAt), ("@invalid", a.EmailInvalid),
                    ("@invalidCause", a.EmailInvalidCause), ("@unsubscribed", a.Unsubscribed), ("@marketingSuspended", a.MarketingSuspended),
                    ("@blocklisted", a.Blocklisted), ("@now", now), ("@id", id));
            }

            foreach (var change in decision.Audited)
            {
                sql.Execute(InsertAuditSql, ("@person", id), ("@at", now), ("@actor", actor), ("@field", change.Field), ("@old", change.OldValue),
                    ("@new", change.NewValue), ("@reason", change.ClearsInvalid ? clearReason : auditReason),
                    ("@batch", batch.AuditBatchId.ToString().ToUpperInvariant()));
            }
        }
    }

    /// <summary>The people of the rows' addresses, read in chunks of <see cref="LookupChunk"/> with one prepared statement.</summary>
    private static Dictionary<string, PersonState> Lookup(PreparedCommands sql, List<ImportRow> rows)
    {
        var found = new Dictionary<string, PersonState>(StringComparer.Ordinal);
        var parameters = new (string, object?)[LookupChunk];
        for (var start = 0; start < rows.Count; start += LookupChunk)
        {
            for (var i = 0; i < LookupChunk; i++)
            {
                parameters[i] = (LookupNames[i], start + i < rows.Count ? rows[start + i].Normalized : null);
            }

            using var r = sql.Reader(LookupSql, parameters);
            while (r.Read())
            {
                var person = new PersonState
                {
                    Id = r.GetInt64(0),
                    Email = r.IsDBNull(1) ? null : r.GetString(1),
                    FirstName = r.IsDBNull(2) ? null : r.GetString(2),
                    LastName = r.IsDBNull(3) ? null : r.GetString(3),
                    Company = r.IsDBNull(4) ? null : r.GetString(4),
                    Unsubscribed = r.GetBoolean(5),
                    Blocklisted = r.GetBoolean(6),
                    MarketingSuspended = r.GetBoolean(7),
                    EmailSuspended = r.GetBoolean(8),
                    EmailSuspendedCause = r.IsDBNull(9) ? null : r.GetString(9),
                    EmailSuspendedAt = r.IsDBNull(10) ? null : DateTime.SpecifyKind(r.GetDateTime(10), DateTimeKind.Utc),
                    EmailInvalid = r.GetBoolean(11),
                    EmailInvalidCause = r.IsDBNull(12) ? null : r.GetString(12),
                };
                found[r.GetString(13)] = person;
            }
        }

        return found;
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>The counts and lists of one run; what a batch adds becomes final only when the batch is committed.</summary>
    private sealed class RunState(ImportFileReader reader, IReadOnlyList<ImportColumn> columns)
    {
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
        private readonly ImportField[] _fields = MapFields(reader.Header.Count, columns);
        private readonly List<ImportIssue> _issues = [];
        private int _committedIssues;
        private int _omitted;
        private int _committedOmitted;

        public int Rows;
        public int Created;
        public int Updated;
        public int Unchanged;
        public int Rejected;
        public int Warnings;
        public int TimesWithoutOffset;

        public ImportCounts Committed { get; private set; } = new(0, 0, 0, 0, 0);
        public List<ImportParsedRow> FirstRows { get; } = [];
        public IReadOnlyList<ImportIssue> CommittedIssues => _issues.Take(_committedIssues).ToList();
        public int IssuesOmitted => _committedOmitted;

        private static ImportField[] MapFields(int count, IReadOnlyList<ImportColumn> columns)
        {
            var fields = new ImportField[count];
            foreach (var c in columns)
            {
                fields[c.Index] = c.Field;
            }

            return fields;
        }

        public void Commit()
        {
            Committed = new ImportCounts(Rows, Created, Updated, Unchanged, Rejected);
            _committedIssues = _issues.Count;
            _committedOmitted = _omitted;
        }

        private void Issue(int row, string? email, string reason, bool rejected, string?[] cells)
        {
            if (_issues.Count < MaxIssuesKept)
            {
                _issues.Add(new ImportIssue(row, email, reason, rejected, cells));
            }
            else
            {
                _omitted++;
            }
        }

        /// <summary>The row's values, or null when the row is rejected (then counted and listed).</summary>
        public ImportRow? Parse(int row, string?[] cells, string? malformed)
        {
            string? email = null;
            string? first = null, last = null, company = null, suspendedCause = null, invalidCause = null;
            bool? unsubscribed = null, blocklisted = null, marketingSuspended = null, suspended = null, invalid = null;
            DateTime? suspendedAt = null;
            string? problem = malformed;
            for (var i = 0; i < _fields.Length && problem is null; i++)
            {
                var field = _fields[i];
                if (field == ImportField.Ignore)
                {
                    continue;
                }

                var raw = i < cells.Length ? cells[i] : null;
                var text = raw?.Trim();
                if (text is { Length: 0 })
                {
                    text = null;
                }

                switch (field)
                {
                    case ImportField.Email: email = text; break;
                    case ImportField.FirstName: first = text; problem = TooLong(text, 100, field); break;
                    case ImportField.LastName: last = text; problem = TooLong(text, 100, field); break;
                    case ImportField.Company: company = text; problem = TooLong(text, 200, field); break;
                    case ImportField.EmailSuspendedCause: suspendedCause = text; problem = TooLong(text, 2000, field); break;
                    case ImportField.EmailInvalidCause: invalidCause = text; problem = TooLong(text, 2000, field); break;
                    case ImportField.EmailSuspendedAt:
                        if (!ImportValues.TryParseTime(text, reader.IsSpreadsheet, out suspendedAt, out var noOffset))
                        {
                            problem = $"Email Suspended At \"{text}\" is not a date (write ISO 8601, e.g. 2024-05-01T14:30:00Z)";
                        }
                        else if (noOffset)
                        {
                            TimesWithoutOffset++;
                        }

                        break;
                    default:
                        if (!ImportValues.TryParseBool(text, out var flag))
                        {
                            problem = $"{ImportFields.Label(field)} \"{text}\" is not a yes/no value (true/false, yes/no, 1/0)";
                        }

                        switch (field)
                        {
                            case ImportField.Unsubscribed: unsubscribed = flag; break;
                            case ImportField.Blocklisted: blocklisted = flag; break;
                            case ImportField.MarketingSuspended: marketingSuspended = flag; break;
                            case ImportField.EmailSuspended: suspended = flag; break;
                            case ImportField.EmailInvalid: invalid = flag; break;
                        }

                        break;
                }
            }

            if (problem is null && email is null)
            {
                problem = "no email address";
            }

            if (problem is null && ImportValues.AddressProblem(email!) is { } bad)
            {
                problem = $"not a valid email address: {bad}";
            }

            var normalized = problem is null ? ImportValues.Normalize(email!) : null;
            if (normalized is not null)
            {
                if (_seen.TryGetValue(normalized, out var firstRow))
                {
                    problem = $"the same address as row {firstRow} (an address is imported once, from its first row)";
                }
                else
                {
                    _seen.Add(normalized, row);
                }
            }

            if (problem is not null)
            {
                Rejected++;
                Issue(row, email, problem, rejected: true, cells);
                if (Rows <= FirstRowsShown)
                {
                    FirstRows.Add(new ImportParsedRow(row, ImportRowOutcome.Rejected, email, first, last, company, unsubscribed, blocklisted,
                        marketingSuspended, suspended, suspendedCause, suspendedAt, invalid, invalidCause, problem));
                }

                return null;
            }

            return new ImportRow
            {
                Row = row, Ordinal = Rows, Cells = cells, Email = email!, Normalized = normalized!, FirstName = first, LastName = last, Company = company,
                Unsubscribed = unsubscribed, Blocklisted = blocklisted, MarketingSuspended = marketingSuspended, EmailSuspended = suspended,
                EmailSuspendedCause = suspendedCause, EmailSuspendedAt = suspendedAt, EmailInvalid = invalid, EmailInvalidCause = invalidCause,
            };
        }

        public void Count(ImportRow row, ImportDecision decision)
        {
            switch (decision.Outcome)
            {
                case ImportRowOutcome.Created: Created++; break;
                case ImportRowOutcome.Updated: Updated++; break;
                default: Unchanged++; break;
            }

            if (decision.Note is not null)
            {
                Warnings++;
                Issue(row.Row, row.Email, decision.Note, rejected: false, row.Cells);
            }

            if (row.Ordinal <= FirstRowsShown)
            {
                var a = decision.After;
                FirstRows.Add(new ImportParsedRow(row.Row, decision.Outcome, row.Email, a.FirstName, a.LastName, a.Company, a.Unsubscribed,
                    a.Blocklisted, a.MarketingSuspended, a.EmailSuspended, a.EmailSuspendedCause, a.EmailSuspendedAt, a.EmailInvalid,
                    a.EmailInvalidCause, decision.Note));
            }
        }

        private static string? TooLong(string? text, int max, ImportField field)
            => text is not null && text.Length > max ? $"{ImportFields.Label(field)} is {text.Length} characters long (at most {max})" : null;
    }
}
