using System.Diagnostics;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bench;

/// <summary>What was built.</summary>
public sealed record BenchDataset(long People, int Emails, long Sends, long Events, long Bounces, double BuildSeconds, DateTime NowUtc);

/// <summary>
/// Builds the synthetic database: the committed migration creates the schema, the secondary indexes are dropped, the rows
/// are streamed in with prepared INSERTs in big transactions (WAL, synchronous=OFF), then the indexes (the model's and the
/// bench's proposed ones, <see cref="BenchIndexes"/>) are created again and ANALYZE runs. Deterministic for a seed.
/// </summary>
internal sealed class BenchDatasetBuilder(BenchOptions options, DateTime nowUtc, TextWriter log)
{
    private const int CommitEvery = 250_000;
    private static readonly string[] LoadedTables = ["People", "Sends", "EmailEvents", "BounceEvents", "AuditEntries"];

    private SqliteConnection _cn = null!;
    private SqliteTransaction? _tx;
    private long _pending;

    public async Task<BenchDataset> BuildAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var path = options.ResolvedDbPath;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        var dbOptions = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options;
        await using (var db = new AppDbContext(dbOptions))
        {
            await db.Database.MigrateAsync(ct);
        }

        var data = new BenchData(options.Seed);
        await using var cn = new SqliteConnection($"Data Source={path};Pooling=False");
        _cn = cn;
        await cn.OpenAsync(ct);
        // threads: the sorter of CREATE INDEX may use helper threads (two cores here).
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=FILE; PRAGMA threads=2;");

        // Loading into index-free tables and indexing afterwards is several times faster than maintaining the B-trees row by row.
        var indexes = new List<(string Name, string Sql)>();
        using (var cmd = cn.CreateCommand())
        {
            cmd.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ("
                + string.Join(", ", LoadedTables.Select(t => $"'{t}'")) + ")";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                indexes.Add((r.GetString(0), r.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            Exec($"DROP INDEX \"{name}\"");
        }

        Begin();
        var programs = Math.Max(1, options.Emails / 100);
        var start = nowUtc.AddDays(-BenchOptions.Days);
        using (var cmd = Prepare("INSERT INTO Programs (Id, Name, CreatedAt) VALUES ($id, $name, $at)", "$id", "$name", "$at"))
        {
            for (var p = 1; p <= programs; p++)
            {
                Row(cmd, p, $"Program {p:D3}", start.AddDays(-30));
            }
        }

        using (var cmd = Prepare("INSERT INTO Emails (Id, ProgramId, Name, Subject, CreatedAt) VALUES ($id, $p, $name, $subject, $at)",
                   "$id", "$p", "$name", "$subject", "$at"))
        {
            for (var e = 1; e <= options.Emails; e++)
            {
                Row(cmd, e, (e - 1) % programs + 1, $"Campaign {e:D5}", $"Newsletter {e}", CampaignStart(e, start).AddDays(-1));
            }
        }

        var people = InsertPeople(data);
        log.WriteLine($"  people: {people:N0} in {clock.Elapsed.TotalSeconds:F0} s");
        var (sends, events, bounces) = InsertSends(data, start);
        log.WriteLine($"  sends: {sends:N0}, events: {events:N0}, bounces: {bounces:N0} at {clock.Elapsed.TotalSeconds:F0} s");
        Commit();

        // The person's bounce fields follow from the bounces, as the rules service would have set them.
        Begin();
        Exec($"""
            UPDATE People SET EmailInvalid = 1, EmailInvalidCause = '550 5.1.1 The email account that you tried to reach does not exist'
            WHERE Id IN (SELECT PersonId FROM BounceEvents WHERE Category = 2);
            UPDATE People SET EmailSuspended = 1, EmailSuspendedAt = m.At, EmailSuspendedCause = '554 5.7.1 Service unavailable; client host blocked using a block list'
            FROM (SELECT PersonId, MAX(OccurredAt) AS At FROM BounceEvents WHERE Category = 1 GROUP BY PersonId) AS m
            WHERE People.Id = m.PersonId;
            """);
        Commit();

        // The app's own domain-health aggregate, rebuilt from the loaded rows with the app's statement.
        var rebuild = Stopwatch.StartNew();
        Begin();
        Exec(BounceHealth.DomainStatsWriter.RebuildSql);
        Commit();
        log.WriteLine($"  DomainDailyStats rebuilt in {rebuild.Elapsed.TotalSeconds:F1} s");

        foreach (var (name, sql) in indexes.Concat(BenchIndexes.Proposed))
        {
            var t = Stopwatch.StartNew();
            Exec(sql);
            log.WriteLine($"  index {name}: {t.Elapsed.TotalSeconds:F1} s");
        }

        var info = new BenchDataset(people, options.Emails, sends, events, bounces, 0, nowUtc);
        Exec("CREATE TABLE BenchInfo (Key TEXT PRIMARY KEY, Value TEXT NOT NULL);");
        Exec($"INSERT INTO BenchInfo VALUES ('now', '{nowUtc.Ticks}'), ('people', '{people}'), ('emails', '{options.Emails}'), "
            + $"('sends', '{sends}'), ('events', '{events}'), ('bounces', '{bounces}');");
        Exec("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        log.WriteLine($"  indexed and analyzed at {clock.Elapsed.TotalSeconds:F0} s");
        Exec($"INSERT INTO BenchInfo VALUES ('build_ms', '{(long)clock.Elapsed.TotalMilliseconds}');");
        return info with { BuildSeconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>Reads what an earlier build stored (for <c>--reuse</c>).</summary>
    public static BenchDataset? ReadExisting(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var cn = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        cn.Open();
        using var cmd = cn.CreateCommand();
        cmd.CommandText = "SELECT Key, Value FROM BenchInfo";
        var values = new Dictionary<string, long>();
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                values[r.GetString(0)] = long.Parse(r.GetString(1), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (SqliteException)
        {
            return null;
        }

        return new BenchDataset(values["people"], (int)values["emails"], values["sends"], values["events"], values["bounces"],
            values.TryGetValue("build_ms", out var ms) ? ms / 1000.0 : 0, new DateTime(values["now"], DateTimeKind.Utc));
    }

    /// <summary>
    /// Brings a reused database up to the current bench: the proposed indexes are created if
    /// missing (an older build may lack them), then ANALYZE refreshes the planner's statistics.
    /// </summary>
    public static void Upgrade(string path, TextWriter log)
    {
        using var cn = new SqliteConnection($"Data Source={path};Pooling=False");
        cn.Open();
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var cmd = cn.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('index', 'table')";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                existing.Add(r.GetString(0));
            }
        }

        var missing = BenchIndexes.Proposed.Where(i => !existing.Contains(i.Name)).ToList();
        foreach (var (name, sql) in missing)
        {
            var t = Stopwatch.StartNew();
            using var cmd = cn.CreateCommand();
            cmd.CommandTimeout = 0;
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
            log.WriteLine($"  added index {name}: {t.Elapsed.TotalSeconds:F1} s");
        }

        if (missing.Count > 0)
        {
            using var cmd = cn.CreateCommand();
            cmd.CommandTimeout = 0;
            cmd.CommandText = "ANALYZE";
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Applies the app's pending migrations to the bench database and, when the report's aggregates are empty (a fresh
    /// bulk load, or a database from before they existed), rebuilds them with <see cref="EmailStats.RebuildAsync"/>.
    /// Indexes the bench once proposed and the model now has are dropped, so bounce application pays for each index once.
    /// </summary>
    public static async Task PrepareAppSchemaAsync(string path, TextWriter log, CancellationToken ct)
    {
        var dbOptions = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options;
        await using var db = new AppDbContext(dbOptions);
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        var t = Stopwatch.StartNew();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL; PRAGMA cache_size=-262144; PRAGMA temp_store=FILE; PRAGMA threads=2;", ct);
            await db.Database.MigrateAsync(ct);
            log.WriteLine($"  applied migrations {string.Join(", ", pending)}: {t.Elapsed.TotalSeconds:F1} s");
        }

        foreach (var name in BenchIndexes.NowInModel)
        {
            var drop = "DROP INDEX IF EXISTS " + name; // a fixed name from the list above
            await db.Database.ExecuteSqlRawAsync(drop, ct);
        }

        if (!await db.Set<EmailDailyStat>().AnyAsync(ct))
        {
            t.Restart();
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-262144; PRAGMA temp_store=FILE; PRAGMA threads=2;", ct);
            await EmailStats.RebuildAsync(db, ct);
            await db.Database.ExecuteSqlRawAsync("ANALYZE", ct);
            log.WriteLine($"  rebuilt the report aggregates: {t.Elapsed.TotalSeconds:F1} s");
        }
    }

    /// <summary>Campaigns are evenly spread over the span; each one's sends go out within six hours of its start.</summary>
    private DateTime CampaignStart(int emailId, DateTime start)
        => start.AddSeconds(Math.Floor((emailId - 1) * (BenchOptions.Days * 86400.0 / options.Emails)));

    private long InsertPeople(BenchData data)
    {
        using var cmd = Prepare("""
            INSERT INTO People (Id, Email, EmailNormalized, EmailDomain, FirstName, LastName, Company, EmailSuspended,
                EmailInvalid, Unsubscribed, MarketingSuspended, Blocklisted, IsDeleted, CreatedAt, UpdatedAt, Version)
            VALUES ($id, $email, $norm, $domain, $first, $last, $company, 0, 0, $unsub, $msusp, $block, $deleted, $created, $created, 1)
            """, "$id", "$email", "$norm", "$domain", "$first", "$last", "$company", "$unsub", "$msusp", "$block", "$deleted", "$created");
        var createdFrom = nowUtc.AddDays(-3 * 365);
        var spanSeconds = (nowUtc - createdFrom).TotalSeconds;
        for (var id = 1; id <= options.People; id++)
        {
            var (first, last) = data.NameOf(id);
            object? email = null, norm = null, domain = null;
            if (data.HasEmail(id))
            {
                (var e, var n, var d) = data.EmailOf(id);
                (email, norm, domain) = (e, n, d);
            }

            var h = data.Hash(id, 6);
            Row(cmd, id, email, norm, domain, first, last, data.CompanyOf(id),
                h % 1000 < 20, (h >> 10) % 1000 < 5, (h >> 20) % 1000 < 3, (h >> 30) % 1000 < 10,
                createdFrom.AddSeconds(Math.Floor(spanSeconds * id / (options.People + 1.0))));
        }

        return options.People;
    }

    private (long Sends, long Events, long Bounces) InsertSends(BenchData data, DateTime start)
    {
        using var send = Prepare("INSERT INTO Sends (Id, EmailId, PersonId, SentAt, MessageId) VALUES ($id, $e, $p, $at, $mid)",
            "$id", "$e", "$p", "$at", "$mid");
        using var evt = Prepare("INSERT INTO EmailEvents (SendId, PersonId, EmailId, Type, OccurredAt) VALUES ($s, $p, $e, $t, $at)",
            "$s", "$p", "$e", "$t", "$at");
        using var bounce = Prepare("""
            INSERT INTO BounceEvents (PersonId, SendId, EmailId, Recipient, RecipientDomain, Category, Reason, Kind, Status, ReplyCode,
                Diagnostic, RemoteMta, Source, Rule, OriginalMessageId, OccurredAt, ReceivedAt, DedupKey, Outcome, SuspectedFalsePositive)
            VALUES ($p, $s, $e, $r, $d, $c, $reason, $kind, $status, $code, $diag, $mta, 'bench', $rule, $mid, $at, $recv, $key, 0, 0)
            """, "$p", "$s", "$e", "$r", "$d", "$c", "$reason", "$kind", "$status", "$code", "$diag", "$mta", "$rule", "$mid", "$at", "$recv", "$key");

        // Dead addresses produce ~40% of the bounces (Category 2, every send to them); the rest are drawn per send.
        var s = (double)options.Sends;
        var deadShare = Math.Min(0.2, 0.4 * options.Bounces / (0.9 * s));
        var otherRate = Math.Max(0, (options.Bounces - 0.9 * deadShare * s) / (s * (1 - deadShare)));
        var rng = new Random(options.Seed);
        long sendId = 0, events = 0, bounces = 0;
        var perEmail = options.Sends / options.Emails;
        var extra = options.Sends % options.Emails;
        for (var e = 1; e <= options.Emails; e++)
        {
            var campaign = CampaignStart(e, start);
            var count = perEmail + (e <= extra ? 1 : 0);
            for (long k = 0; k < count; k++)
            {
                int personId;
                do
                {
                    personId = rng.Next(1, options.People + 1);
                }
                while (!data.HasEmail(personId));

                sendId++;
                var sentAt = campaign.AddSeconds(rng.Next(0, 6 * 3600));
                if (sentAt > nowUtc)
                {
                    sentAt = nowUtc.AddSeconds(-rng.Next(1, 3600));
                }

                var messageId = $"bench.{sendId}@mail.bounceadmin.test";
                Row(send, sendId, e, personId, sentAt, messageId);
                var dead = data.IsDead(personId, deadShare);
                if ((dead && rng.NextDouble() < 0.9) || rng.NextDouble() < otherRate)
                {
                    var b = BenchData.DrawBounce(rng, dead);
                    var at = sentAt.AddSeconds(rng.Next(5, 3600));
                    var (_, recipient, domain) = data.EmailOf(personId);
                    var kind = b.Category <= 2 ? BounceKind.Hard : BounceKind.Soft;
                    Row(bounce, personId, sendId, e, recipient, domain, b.Category, b.Reason, (int)kind, b.Status, b.Code,
                        b.Diagnostic, "mx." + domain, "bench." + b.Reason, messageId, at, at.AddSeconds(30), "bench:" + sendId);
                    bounces++;
                }
                else
                {
                    var deliveredAt = sentAt.AddSeconds(rng.Next(2, 1800));
                    if (rng.NextDouble() >= 0.005 && deliveredAt <= nowUtc)
                    {
                        Row(evt, sendId, personId, e, (int)EmailEventType.Delivered, deliveredAt);
                        events++;
                        var openedAt = deliveredAt.AddSeconds(rng.Next(60, 3 * 86400));
                        if (rng.NextDouble() < 0.22 && openedAt <= nowUtc)
                        {
                            Row(evt, sendId, personId, e, (int)EmailEventType.Opened, openedAt);
                            events++;
                            if (rng.NextDouble() < 0.18)
                            {
                                Row(evt, sendId, personId, e, (int)EmailEventType.Clicked, openedAt.AddSeconds(rng.Next(2, 600)));
                                events++;
                            }
                        }

                        if (rng.NextDouble() < 0.003)
                        {
                            Row(evt, sendId, personId, e, (int)EmailEventType.Unsubscribed, deliveredAt.AddSeconds(rng.Next(60, 86400)));
                            events++;
                        }
                    }
                }
            }
        }

        return (sendId, events, bounces);
    }

    private void Begin()
    {
        _tx = _cn.BeginTransaction();
        _pending = 0;
    }

    private void Commit()
    {
        _tx?.Commit();
        _tx?.Dispose();
        _tx = null;
    }

    private void Exec(string sql)
    {
        using var cmd = _cn.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandTimeout = 0;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = _cn.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        cmd.Prepare();
        return cmd;
    }

    /// <summary>Binds and runs one row; commits every <see cref="CommitEvery"/> rows so the WAL stays small.</summary>
    private void Row(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] switch
            {
                null => DBNull.Value,
                bool b => b ? 1L : 0L,
                var v => v,
            };
        }

        cmd.Transaction = _tx;
        cmd.ExecuteNonQuery();
        if (++_pending >= CommitEvery)
        {
            Commit();
            Begin();
        }
    }
}
