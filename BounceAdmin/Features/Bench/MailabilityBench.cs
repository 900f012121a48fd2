using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Mailability;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bench;

/// <summary>
/// The issue 12 figure "a 10,000-address mailability check p95 ≤ 150 ms": <see cref="MailabilityService.CheckAsync"/>,
/// the call behind <c>POST /api/v1/mailability</c>, as an API key with <c>mailability:read</c> makes it, on batches of
/// 10,000 addresses drawn from the bench's people (9 in 10 known, 1 in 10 unknown, in random order).
/// </summary>
public static class MailabilityBench
{
    public const string Key = "mailability_10k";
    public const double TargetMs = 150;
    public const int BatchSize = MailabilityService.MaxBatch;

    /// <summary>The service as an API request sees it: signed in as a bench key holding <see cref="ApiScopes.MailabilityRead"/>.</summary>
    public static MailabilityService CreateService(IServiceProvider services)
    {
        var key = new ApiKey { Id = 0, Name = "bench", PublicId = "bench", SecretHash = [], Scopes = ApiScopes.MailabilityRead, CreatedBy = "bench" };
        return new MailabilityService(services.GetRequiredService<IDbContextFactory<AppDbContext>>(),
            new FixedCurrentUser(ApiCaller.PrincipalFor(key)), services.GetRequiredService<TimeProvider>());
    }

    /// <summary><paramref name="count"/> batches of <see cref="BatchSize"/> addresses (different people in each batch).</summary>
    public static async Task<List<string[]>> MakeBatchesAsync(string path, Random rng, int count, CancellationToken ct)
    {
        await using var cn = new SqliteConnection($"Data Source={path};Pooling=False");
        await cn.OpenAsync(ct);
        await using var max = cn.CreateCommand();
        max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM People";
        var maxId = Convert.ToInt64(await max.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        await using var cmd = cn.CreateCommand();
        cmd.CommandText = "SELECT Email FROM People WHERE Id = $id AND Email IS NOT NULL";
        var id = cmd.Parameters.Add(new SqliteParameter { ParameterName = "$id" });

        var batches = new List<string[]>(count);
        for (var b = 0; b < count; b++)
        {
            var batch = new string[BatchSize];
            for (var i = 0; i < BatchSize; i++)
            {
                string? email = null;
                if (maxId > 0 && rng.Next(10) != 0)
                {
                    id.Value = rng.NextInt64(1, maxId + 1);
                    email = await cmd.ExecuteScalarAsync(ct) as string;
                }

                batch[i] = email ?? $"nobody.{b}.{i}.{rng.Next():x}@unknown-bench.example";
            }

            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>
    /// The physical reference for the same work: the batch's distinct addresses, sorted, looked up with one prepared
    /// 1,000-parameter IN list on a plain connection (memory-mapped like the service's), rows read and dropped.
    /// </summary>
    public static int RawLookUp(string path, string[] batch)
    {
        using var cn = new SqliteConnection($"Data Source={path}");
        cn.Open();
        using (var pragma = cn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA mmap_size = 1073741824";
            pragma.ExecuteNonQuery();
        }

        var sorted = batch.Select(a => a.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var rows = 0;
        SqliteCommand? cmd = null;
        try
        {
            foreach (var chunk in sorted.Chunk(1000))
            {
                if (cmd is null || cmd.Parameters.Count != chunk.Length)
                {
                    cmd?.Dispose();
                    cmd = cn.CreateCommand();
                    cmd.CommandText = "SELECT EmailNormalized, Email, Blocklisted, EmailInvalid, MarketingSuspended, Unsubscribed, EmailSuspendedAt FROM People WHERE EmailNormalized IN ("
                        + string.Join(',', Enumerable.Range(0, chunk.Length).Select(i => "$a" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        cmd.Parameters.Add(new SqliteParameter { ParameterName = "$a" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    }

                    cmd.Prepare();
                }

                for (var i = 0; i < chunk.Length; i++)
                {
                    cmd.Parameters[i].Value = chunk[i];
                }

                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    rows++;
                }
            }
        }
        finally
        {
            cmd?.Dispose();
        }

        return rows;
    }

    /// <summary>One check; the result is the number of addresses answered as known (mailable or not).</summary>
    public static async Task<int> CheckAsync(MailabilityService service, string[] batch, CancellationToken ct)
    {
        var answer = await service.CheckAsync(batch, ct);
        return answer.Counts.Mailable + answer.Counts.NotMailable;
    }
}
