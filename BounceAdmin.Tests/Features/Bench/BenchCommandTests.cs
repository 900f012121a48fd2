using System.Text.Json;
using BounceAdmin.Cli;
using BounceAdmin.Features.Bench;

namespace BounceAdmin.Tests.Features.Bench;

/// <summary>
/// Runs the bench end to end at a tiny size. It proves the command builds a database, runs every scenario and prints a
/// complete JSON summary; it never asserts on a duration (speed is the bench's output, not a test's).
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private static readonly string[] RequiredKeys =
    [
        "people_p95_ms", "person_p95_ms", "report_p95_ms", "domain_health_p95_ms", "apply_rows_per_s", "raw_insert_rows_per_s",
        "apply_vs_raw", "build_s", "peak_bytes", "people", "emails", "sends", "bounces", "mailability_10k_p95_ms", "sends_rows_per_s",
    ];

    private readonly string _db = Path.Combine(Path.GetTempPath(), $"bounceadmin-bench-test-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task TinyBench_PrintsEveryRequiredFigure_AsTheLastLine()
    {
        var output = new StringWriter();

        var exit = await BenchCommand.RunAsync(
            ["--people", "1000", "--emails", "10", "--sends", "5000", "--bounces", "500", "--apply", "40", "--reps", "5", "--db", _db],
            output);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var json = JsonDocument.Parse(lines[^1]);
        var root = json.RootElement;
        foreach (var key in RequiredKeys)
        {
            Assert.True(root.TryGetProperty(key, out var value), $"missing key {key}");
            Assert.True(value.GetDouble() > 0, $"{key} = {value} is not positive");
        }

        Assert.Equal(1000, root.GetProperty("people").GetInt64());
        Assert.Equal(10, root.GetProperty("emails").GetInt64());
        Assert.Equal(5000, root.GetProperty("sends").GetInt64());
        Assert.InRange(root.GetProperty("bounces").GetInt64(), 250, 750); // drawn per send around the asked 500
        // The rates are printed rounded and the ratio is taken before rounding, so compare them relatively (1 %),
        // never by decimal places (a ratio near a rounding boundary made that flaky).
        var recomputed = root.GetProperty("apply_rows_per_s").GetDouble() / root.GetProperty("raw_insert_rows_per_s").GetDouble();
        var printed = root.GetProperty("apply_vs_raw").GetDouble();
        Assert.True(Math.Abs(recomputed - printed) <= 0.01 * recomputed, $"apply_vs_raw {printed} is not apply/raw = {recomputed}");
        Assert.Contains("people: domain '@gmail.com'", output.ToString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("cores").GetInt32() > 0);
        Assert.True(root.TryGetProperty("load_average_1m", out _), "missing key load_average_1m");
    }

    [Fact]
    public async Task TinyBench_MeasuresOnlyTheAppsServices_AndTheRawReference()
    {
        var result = await BenchRunner.RunAsync(
            new BenchOptions(People: 500, Emails: 20, Sends: 2000, Bounces: 200, DbPath: _db, Apply: 30, Repetitions: 5),
            TextWriter.Null);

        // Every row is either a call into an app service or the raw SQLite reference: no fallback, cached-count,
        // proposed-aggregate or synchronous=NORMAL rows are left.
        Assert.All(result.Timings, t => Assert.True(
            t.Key.StartsWith("raw_", StringComparison.Ordinal) || t.Label.EndsWith("(service)", StringComparison.Ordinal),
            $"{t.Key}: '{t.Label}' is neither a service call nor the raw reference"));
        Assert.Equal(
            ["apply", "domain_health", "mailability_10k", "person", "raw_mailability_10k", "raw_point_read", "report", "report_drill"],
            result.Timings.Select(t => t.Key).Where(k => !k.StartsWith("people_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(12, result.Timings.Count(t => t.Key.StartsWith("people_", StringComparison.Ordinal)));
        foreach (var removed in new[] { "people_cached_count_p95_ms", "report_agg_p95_ms", "domain_health_agg_p95_ms", "apply_sync_normal_rows_per_s" })
        {
            Assert.False(result.Json.ContainsKey(removed), $"{removed} is still reported");
        }

        // The services found the data (20 campaigns over 180 days put sends in the last 30): the report has rows for the emails and BounceHealthService found domains in its
        // aggregate, which the builder filled with the app's own rebuild statement.
        Assert.True(result.Timings.Single(t => t.Key == "report").Result > 0);
        Assert.True(result.Timings.Single(t => t.Key == "domain_health").Result > 0);
        Assert.True(result.Timings.Single(t => t.Key == "people_all_created_desc_first").Result > 0);
    }

    [Fact]
    public async Task TinyBench_WritesTheRowsItReports_AndTheRulesServiceAppliedTheBounces()
    {
        var result = await BenchRunner.RunAsync(
            new BenchOptions(People: 500, Emails: 5, Sends: 2000, Bounces: 200, DbPath: _db, Apply: 30, Repetitions: 5),
            TextWriter.Null);

        await using var cn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db};Pooling=False");
        await cn.OpenAsync();
        async Task<long> CountAsync(string sql)
        {
            await using var cmd = cn.CreateCommand();
            cmd.CommandText = sql;
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        Assert.Equal(result.Dataset.People, await CountAsync("SELECT COUNT(*) FROM People"));
        Assert.Equal(result.Dataset.Sends, await CountAsync("SELECT COUNT(*) FROM Sends"));
        Assert.Equal(result.Dataset.Bounces, await CountAsync("SELECT COUNT(*) FROM BounceEvents WHERE Source = 'bench' AND DedupKey LIKE 'bench:%'"));

        // The measured application went through the rules service: its events carry the service's outcome and audits.
        Assert.True(await CountAsync("SELECT COUNT(*) FROM BounceEvents WHERE DedupKey LIKE 'apply:%'") >= 30);
        Assert.True(await CountAsync("SELECT COUNT(*) FROM AuditEntries WHERE Actor = 'bounce'") > 0);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM BounceEvents WHERE DedupKey LIKE 'apply:%' AND ReceivedAt IS NULL"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _db, _db + "-wal", _db + "-shm" })
        {
            File.Delete(file);
        }
    }
}
