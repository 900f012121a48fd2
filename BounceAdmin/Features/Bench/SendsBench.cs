using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Features.Bench;

/// <summary>What the sends figure measured.</summary>
public sealed record SendsBenchResult(int Rows, int Batches, double Seconds, double RowsPerSecond, double BatchP95Ms);

/// <summary>
/// The <c>POST /api/v1/sends</c> figure (issue 12 point 7, target ≥ 20,000 rows/s): batches of 10,000 sends as JSON bodies,
/// each read by <see cref="EngagementJson.ReadSends"/> and recorded by <see cref="SendsService"/> (one transaction per
/// batch, report aggregates included) — the endpoint's path without the HTTP transport. Recipients are people of the
/// dataset (drawn at random, so some pairs repeat); sent times fall in the last 24 hours, as a sending platform posts
/// its sends while it mails (a history load of old sends goes through <c>import sends</c>). The sends go to an email of their own, removed afterwards with its
/// aggregates (not timed), so the dataset stays as built and can be reused.
/// </summary>
public static class SendsBench
{
    public static async Task<SendsBenchResult> RunAsync(string path, IServiceProvider services, int rows, int seed, DateTime now, CancellationToken ct)
    {
        var recipients = await SampleRecipientsAsync(path, Math.Min(rows, 20_000), ct);
        if (recipients.Count == 0)
        {
            return new SendsBenchResult(0, 0, 0, 0, 0);
        }

        var tag = DateTime.UtcNow.Ticks.ToString("x", CultureInfo.InvariantCulture);
        var email = "bench: POST /api/v1/sends " + tag;
        var program = "bench sends";
        var rng = new Random(seed);
        byte[] Body(int count, string prefix) => JsonSerializer.SerializeToUtf8Bytes(new SendsRequest
        {
            Sends = [.. Enumerable.Range(0, count).Select(i => new SendJson
            {
                EmailName = email, Program = program, Recipient = recipients[rng.Next(recipients.Count)],
                SentAt = now.AddSeconds(-rng.Next(0, 60 * 60 * 24)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ExternalId = $"{prefix}{i}", MessageId = $"<{prefix}{i}@bench.example>",
            })],
        }, EngagementJson.Options);

        var sends = services.GetRequiredService<SendsService>();
        var caller = FixedCurrentUser.For("bench", Roles.Admin);
        try
        {
            // Warm-up (JIT, statement preparation): one small batch, not timed.
            var (warm, warmPeople) = EngagementJson.ReadSends(Body(100, $"bench-warm-{tag}-"));
            await sends.RecordAsync(caller, warm, warmPeople, ct);

            var bodies = new List<byte[]>();
            for (var done = 0; done < rows; done += EngagementLimits.MaxBatch)
            {
                bodies.Add(Body(Math.Min(EngagementLimits.MaxBatch, rows - done), $"bench-{tag}-{done}-"));
            }

            var times = new List<double>(bodies.Count);
            var clock = Stopwatch.StartNew();
            foreach (var body in bodies)
            {
                var sw = Stopwatch.StartNew();
                var (records, createPeople) = EngagementJson.ReadSends(body);
                var result = await sends.RecordAsync(caller, records, createPeople, ct);
                if (result.Created != records.Count)
                {
                    throw new InvalidOperationException($"bench sends: {result.Created} of {records.Count} sends were created.");
                }

                times.Add(sw.Elapsed.TotalMilliseconds);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            return new SendsBenchResult(rows, bodies.Count, seconds, rows / seconds, BenchRunner.Percentile(times, 95));
        }
        finally
        {
            await RemoveAsync(path, email, program, ct);
        }
    }

    private static async Task<List<string>> SampleRecipientsAsync(string path, int count, CancellationToken ct)
    {
        await using var cn = new SqliteConnection($"Data Source={path};Pooling=False");
        await cn.OpenAsync(ct);
        await using var cmd = cn.CreateCommand();
        cmd.CommandText = "SELECT EmailNormalized FROM People WHERE EmailNormalized IS NOT NULL ORDER BY random() LIMIT $n";
        cmd.Parameters.AddWithValue("$n", count);
        var list = new List<string>(count);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(r.GetString(0));
        }

        return list;
    }

    /// <summary>Removes the bench's email, its sends and their aggregates (all of them belong to that email alone).</summary>
    private static async Task RemoveAsync(string path, string email, string program, CancellationToken ct)
    {
        await using var cn = new SqliteConnection($"Data Source={path};Pooling=False");
        await cn.OpenAsync(ct);
        await using var tx = cn.BeginTransaction();
        await using var cmd = cn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            CREATE TEMP TABLE BenchEmails AS SELECT Id FROM Emails WHERE Name = $email;
            DELETE FROM EmailDailyStats WHERE EmailId IN (SELECT Id FROM temp.BenchEmails);
            DELETE FROM EmailRepeatSends WHERE EmailId IN (SELECT Id FROM temp.BenchEmails);
            DELETE FROM Sends WHERE EmailId IN (SELECT Id FROM temp.BenchEmails);
            DELETE FROM Emails WHERE Id IN (SELECT Id FROM temp.BenchEmails);
            DELETE FROM Programs WHERE Name = $program AND NOT EXISTS (SELECT 1 FROM Emails e WHERE e.ProgramId = Programs.Id);
            DROP TABLE temp.BenchEmails;
            """;
        cmd.Parameters.AddWithValue("$email", email);
        cmd.Parameters.AddWithValue("$program", program);
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
