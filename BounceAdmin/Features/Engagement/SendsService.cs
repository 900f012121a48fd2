using BounceAdmin.Data;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// Records sends coming in from a sending platform (<c>POST /api/v1/sends</c>, <c>import sends</c>, the demo data): one
/// batch is one transaction, applied whole or not at all, with the Email Performance Report's aggregates moved in the
/// same transaction. Idempotent by the send's external id (or, without one, its Message-ID): a resend changes nothing.
/// </summary>
/// <remarks>
/// The batch is written on one connection with prepared statements, and the aggregates of the new sends are moved
/// set-based at the end (their ids are above the largest id before the batch, since the transaction holds SQLite's write
/// lock from its start): the per-send hooks of <see cref="EmailStats"/> cost several statements per row, too much for
/// batches of 10,000 (the bench's <c>sends_rows_per_s</c> figure).
/// </remarks>
public sealed class SendsService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>Records <paramref name="sends"/> as the current user (an API key with <c>events:write</c>, or an Admin).</summary>
    public Task<SendBatchResult> RecordAsync(IReadOnlyList<SendRecord> sends, bool createPeople, CancellationToken ct = default)
        => RecordAsync(currentUser, sends, createPeople, ct);

    /// <summary>
    /// Records <paramref name="sends"/> as <paramref name="caller"/>. Unknown recipients are created as people only when
    /// <paramref name="createPeople"/> is set (which also needs <c>people:write</c>); otherwise they are reported back.
    /// </summary>
    /// <exception cref="ForbiddenException">The caller lacks <c>events:write</c> (or <c>people:write</c> to create people).</exception>
    /// <exception cref="BatchRejectedException">An item is invalid or names an unknown email: nothing was stored.</exception>
    public async Task<SendBatchResult> RecordAsync(ICurrentUser caller, IReadOnlyList<SendRecord> sends, bool createPeople, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sends);
        _ = createPeople
            ? await caller.RequireWriteAsync(ApiScopes.EventsWrite, ApiScopes.PeopleWrite)
            : await caller.RequireWriteAsync(ApiScopes.EventsWrite);
        if (sends.Count > EngagementLimits.MaxBatch)
        {
            throw new BatchRejectedException([new(-1, "sends", $"A batch has at most {EngagementLimits.MaxBatch:N0} sends, not {sends.Count:N0}.")]);
        }

        var items = NormalizeOrThrow(sends);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        // A batch touches about 10,000 random places of each Sends index: a 64 MiB page cache instead of SQLite's 2 MiB
        // keeps their upper levels in memory for the batch (as the bounce-apply session does), restored afterwards.
        Pragma(connection, "PRAGMA cache_size = -65536;");
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            using var sql = new PreparedCommands(connection)
            {
                Transaction = (SqliteTransaction)tx.GetDbTransaction(),
            };
            var before = (long)sql.Scalar("SELECT COALESCE(MAX(Id), 0) FROM Sends")!;
            var emails = new EmailResolver(sql, now);
            var emailIds = new int[items.Count];
            var errors = new List<ItemError>();
            for (var i = 0; i < items.Count; i++)
            {
                var id = emails.Resolve(items[i], out var error);
                if (id is null)
                {
                    errors.Add(new ItemError(i, items[i].EmailExternalId is null ? "emailName" : "emailExternalId", error!));
                }

                emailIds[i] = id ?? 0;
            }

            if (errors.Count > 0)
            {
                throw new BatchRejectedException(errors);
            }

            // The batch's people and already stored sends, read with a few IN lists instead of a query per item.
            var people = Lookup(sql, "SELECT EmailNormalized, Id FROM People WHERE EmailNormalized IN ({0})", items.Select(i => i.Recipient))
                .ToDictionary(p => p.Key, p => (int?)p.Value, StringComparer.Ordinal);
            var seenExternal = Lookup(sql, "SELECT ExternalId, Id FROM Sends WHERE ExternalId IN ({0})",
                items.Where(i => i.ExternalId is not null).Select(i => i.ExternalId!));
            var seenMessage = Lookup(sql, "SELECT MessageId, MIN(Id) FROM Sends WHERE MessageId IN ({0}) GROUP BY MessageId",
                items.Where(i => i.ExternalId is null && i.MessageId is not null).Select(i => i.MessageId!));
            var results = new SendItemResult[items.Count];
            int created = 0, duplicates = 0, unknown = 0, peopleCreated = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var existing = item.ExternalId is { } x
                    ? seenExternal.TryGetValue(x, out var s1) ? s1 : (long?)null
                    : seenMessage.TryGetValue(item.MessageId!, out var s2) ? s2 : null;
                if (existing is { } dup)
                {
                    results[i] = new SendItemResult(i, SendItemStatus.Duplicate, dup, item.ExternalId);
                    duplicates++;
                    continue;
                }

                if (!people.TryGetValue(item.Recipient, out var personId))
                {
                    if (createPeople)
                    {
                        personId = (int)(long)sql.Scalar(InsertPersonSql,
                            ("@email", item.RecipientAsGiven), ("@normalized", item.Recipient),
                            ("@domain", item.Recipient[(item.Recipient.LastIndexOf('@') + 1)..]), ("@now", now))!;
                        peopleCreated++;
                    }

                    people[item.Recipient] = personId;
                }

                if (personId is null)
                {
                    results[i] = new SendItemResult(i, SendItemStatus.UnknownRecipient, null, item.ExternalId);
                    unknown++;
                    continue;
                }

                var sendId = (long)sql.Scalar(InsertSendSql,
                    ("@email", emailIds[i]), ("@person", personId), ("@sent", item.SentAt), ("@mid", item.MessageId), ("@x", item.ExternalId))!;
                if (item.ExternalId is not null)
                {
                    seenExternal[item.ExternalId] = sendId;
                }

                if (item.MessageId is not null)
                {
                    seenMessage.TryAdd(item.MessageId, sendId);
                }

                results[i] = new SendItemResult(i, SendItemStatus.Created, sendId, item.ExternalId);
                created++;
            }

            if (created > 0)
            {
                // The report's aggregates for every send of this batch (all above `before`), set-based.
                var attributed = new List<(long Id, long Flags)>();
                using (var r = sql.Reader(AttributedFlagsSql, ("@before", before)))
                {
                    while (r.Read())
                    {
                        attributed.Add((r.GetInt64(0), r.GetInt64(1)));
                    }
                }

                foreach (var (id, flags) in attributed)
                {
                    sql.Execute("UPDATE Sends SET ReportFlags = @flags WHERE Id = @id", ("@flags", flags), ("@id", id));
                }

                sql.Execute(EmailStats.AddSendsAfterSql, ("@before", before));
                sql.Execute(BounceHealth.DomainStatsWriter.CountSendsAfterSql, ("@before", before));
                sql.Execute(EmailStats.AddRepeatSendsAfterSql, ("@before", before));
            }

            await tx.CommitAsync(ct);
            return new SendBatchResult(created, duplicates, unknown, peopleCreated, emails.Created, results);
        }
        finally
        {
            Pragma(connection, "PRAGMA cache_size = -2000;");
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }

    /// <summary>A send checked and normalised: trimmed ids, lower-case recipient, UTC time.</summary>
    internal sealed record Item(string? EmailName, string? EmailExternalId, string? Program, string Recipient, string RecipientAsGiven,
        DateTime SentAt, string? ExternalId, string? MessageId);

    /// <summary>Checks every item (all errors at once, each naming its item and field) and normalises them.</summary>
    internal static List<Item> NormalizeOrThrow(IReadOnlyList<SendRecord> sends)
    {
        var errors = new List<ItemError>();
        var items = new List<Item>(sends.Count);
        for (var i = 0; i < sends.Count; i++)
        {
            var s = sends[i];
            if (s is null)
            {
                errors.Add(new ItemError(i, "", "is null"));
                continue;
            }

            var before = errors.Count;
            var emailName = Field(i, "emailName", s.EmailName, EngagementLimits.MaxNameLength, errors);
            var emailExternalId = Field(i, "emailExternalId", s.EmailExternalId, EngagementLimits.MaxIdLength, errors);
            var program = Field(i, "program", s.Program, EngagementLimits.MaxNameLength, errors);
            var externalId = Field(i, "externalId", s.ExternalId, EngagementLimits.MaxIdLength, errors);
            var messageId = Field(i, "messageId", MessageIds.Normalize(s.MessageId), EngagementLimits.MaxIdLength, errors);
            if (emailName is null && emailExternalId is null)
            {
                errors.Add(new ItemError(i, "emailName", "an email is required: give 'emailName' (with 'program' to create it) or 'emailExternalId'"));
            }

            if (externalId is null && messageId is null)
            {
                errors.Add(new ItemError(i, "externalId", "give 'externalId' or 'messageId' (or both), so the send can be recognised again"));
            }

            var recipient = Addresses.Check(s.Recipient, out var recipientError);
            if (recipient is null)
            {
                errors.Add(new ItemError(i, "recipient", recipientError));
            }

            if (errors.Count == before)
            {
                items.Add(new Item(emailName, emailExternalId, program, recipient!.ToLowerInvariant(), recipient,
                    s.SentAt.UtcDateTime, externalId, messageId));
            }
        }

        return errors.Count > 0 ? throw new BatchRejectedException(errors) : items;
    }

    private static string? Field(int index, string name, string? value, int max, List<ItemError> errors)
    {
        var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (trimmed is { Length: var n } && n > max)
        {
            errors.Add(new ItemError(index, name, $"is longer than {max} characters"));
        }

        return trimmed;
    }

    /// <summary>Parameters per IN list: one prepared statement per query, the last chunk padded with its first value.</summary>
    private const int InChunk = 500;

    private static readonly string[] InNames = [.. Enumerable.Range(0, InChunk).Select(i => "@k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Runs <paramref name="sqlFormat"/> (key, id) over the distinct <paramref name="keys"/> in chunks; key → id.</summary>
    private static Dictionary<string, long> Lookup(PreparedCommands sql, string sqlFormat, IEnumerable<string> keys)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, sqlFormat, string.Join(", ", InNames));
        var parameters = new (string, object?)[InChunk];
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(InChunk))
        {
            for (var i = 0; i < InChunk; i++)
            {
                parameters[i] = (InNames[i], i < chunk.Length ? chunk[i] : chunk[0]);
            }

            using var r = sql.Reader(text, parameters);
            while (r.Read())
            {
                found[r.GetString(0)] = r.GetInt64(1);
            }
        }

        return found;
    }

    private const string InsertPersonSql = """
        INSERT INTO People (Email, EmailNormalized, EmailDomain, EmailSuspended, EmailInvalid, Unsubscribed, MarketingSuspended,
            Blocklisted, IsDeleted, CreatedAt, UpdatedAt, Version)
        VALUES (@email, @normalized, @domain, 0, 0, 0, 0, 0, 0, @now, @now, 0)
        RETURNING Id
        """;

    private const string InsertSendSql = """
        INSERT INTO Sends (EmailId, PersonId, SentAt, MessageId, ExternalId, ReportFlags)
        VALUES (@email, @person, @sent, @mid, @x, 0)
        RETURNING Id
        """;

    /// <summary>
    /// A new send can have no events or bounces of its own yet; it only inherits bounces without a send of its person
    /// and email (the report's attribution), so only those sends are re-read, and only the ones with flags are written
    /// (writing an unchanged ReportFlags would still rewrite the send's index entries). The unary + keeps SQLite on the
    /// person's bounces (IX_BounceEvents_PersonId_OccurredAt) rather than every bounce without a send.
    /// </summary>
    private static readonly string AttributedFlagsSql = $"""
        SELECT Id, f FROM (
            SELECT s.Id AS Id, {EmailStats.FlagsSql} AS f FROM Sends s
            WHERE s.Id > @before
              AND EXISTS (SELECT 1 FROM BounceEvents b WHERE b.PersonId = s.PersonId AND +b.SendId IS NULL AND +b.EmailId = s.EmailId))
        WHERE f <> 0
        """;




    /// <summary>Finds (or creates) the emails of a batch, each once.</summary>
    private sealed class EmailResolver(PreparedCommands sql, DateTime now)
    {
        private readonly Dictionary<(string?, string?, string?), (int? Id, string? Error)> _known = [];
        private readonly Dictionary<string, int> _programs = new(StringComparer.Ordinal);

        public int Created { get; private set; }

        public int? Resolve(Item item, out string? error)
        {
            var key = (item.EmailExternalId, item.EmailName, item.Program);
            if (!_known.TryGetValue(key, out var found))
            {
                found = Find(item);
                _known[key] = found;
            }

            error = found.Error;
            return found.Id;
        }

        private (int? Id, string? Error) Find(Item item)
        {
            var id = item.EmailExternalId is { } x
                ? sql.Scalar("SELECT Id FROM Emails WHERE ExternalId = @x", ("@x", x))
                : item.Program is { } program
                    ? sql.Scalar("""
                        SELECT e.Id FROM Emails e JOIN Programs p ON p.Id = e.ProgramId
                        WHERE e.Name = @name AND p.Name = @program ORDER BY e.Id LIMIT 1
                        """, ("@name", item.EmailName), ("@program", program))
                    : sql.Scalar("SELECT Id FROM Emails WHERE Name = @name ORDER BY Id LIMIT 1", ("@name", item.EmailName));
            if (id is long existing)
            {
                return ((int)existing, null);
            }

            if (item.EmailName is null || item.Program is null)
            {
                return (null, item.EmailExternalId is { } unknownId
                    ? $"no email has the external id '{unknownId}'; give 'emailName' and 'program' to create it"
                    : $"no email is named '{item.EmailName}'; give 'program' to create it");
            }

            if (!_programs.TryGetValue(item.Program, out var programId))
            {
                programId = sql.Scalar("SELECT Id FROM Programs WHERE Name = @name ORDER BY Id LIMIT 1", ("@name", item.Program)) is long p
                    ? (int)p
                    : (int)(long)sql.Scalar("INSERT INTO Programs (Name, CreatedAt) VALUES (@name, @now) RETURNING Id",
                        ("@name", item.Program), ("@now", now))!;
                _programs[item.Program] = programId;
            }

            Created++;
            return ((int)(long)sql.Scalar("""
                INSERT INTO Emails (ProgramId, Name, CreatedAt, ExternalId) VALUES (@program, @name, @now, @x) RETURNING Id
                """, ("@program", programId), ("@name", item.EmailName), ("@now", now), ("@x", item.EmailExternalId))!, null);
        }
    }
}
