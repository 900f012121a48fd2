using System.Diagnostics;
using System.Globalization;
using System.Text;
using BounceAdmin.Data;
using BounceAdmin.Features.Import;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bench;

/// <summary>What the import scenario measured.</summary>
/// <param name="Rows">Data rows in the file.</param>
/// <param name="Seconds">The import alone (the service's <see cref="PeopleImportService.ImportAsync"/>), not the file's generation.</param>
/// <param name="Counts">What the import did (the file has a few bad and duplicate rows, which are rejected).</param>
/// <param name="FileBytes">The size of the generated CSV.</param>
public sealed record ImportBenchResult(int Rows, double Seconds, ImportCounts Counts, long FileBytes, double GenerateSeconds)
{
    /// <summary>The issue's target: a million people in at most a minute.</summary>
    public const double TargetSeconds = 60;

    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;

    /// <summary>The target scaled to the file's size (60 s per million rows).</summary>
    public double TargetForRows => TargetSeconds * Rows / 1_000_000.0;
}

/// <summary>
/// The import scenario of <c>bench</c> (issue 12): writes a CSV of N people (Marketo's column names, a few suspended,
/// invalid, unsubscribed, badly written and duplicated rows) into a temporary folder, then imports it into an empty
/// database made by the app's migrations, through <see cref="PeopleImportService"/> resolved from the app's own
/// registrations: the very path of the page and of <c>import people</c>.
/// </summary>
public static class ImportBench
{
    public static async Task<ImportBenchResult> RunAsync(int rows, int seed, TextWriter output, CancellationToken ct = default)
    {
        var dir = Directory.CreateTempSubdirectory("bounceadmin-bench-import-").FullName;
        try
        {
            var csv = Path.Combine(dir, "people.csv");
            var db = Path.Combine(dir, "import.db");
            var generate = Stopwatch.StartNew();
            WriteCsv(csv, rows, seed);
            var generateSeconds = generate.Elapsed.TotalSeconds;
            var bytes = new FileInfo(csv).Length;
            output.WriteLine($"Import: {rows:N0} rows ({bytes / 1048576.0:N0} MiB of CSV, written in {generateSeconds:F1} s) into an empty database ...");

            var config = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={db}" })
                .Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddBounceAdminData(config);
            services.AddImport();
            services.AddSingleton<ICurrentUser>(FixedCurrentUser.For("bench", Roles.Admin));
            await using var provider = services.BuildServiceProvider();
            await using (var context = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct))
            {
                // As the app prepares its database at start-up (AppSetup.PrepareDatabaseAsync).
                await context.Database.MigrateAsync(ct);
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", ct);
            }

            await using var scope = provider.CreateAsyncScope();
            var import = scope.ServiceProvider.GetRequiredService<PeopleImportService>();
            var inspection = await import.InspectAsync(csv, "people.csv", ct);
            var clock = Stopwatch.StartNew();
            var result = await import.ImportAsync(csv, "people.csv", inspection.Columns, new ImportOptions("bench"), ct: ct);
            var seconds = clock.Elapsed.TotalSeconds;
            if (result.Status != Data.Entities.ImportBatchStatus.Completed)
            {
                throw new InvalidOperationException($"The bench import did not complete: {result.Status} {result.Error}");
            }

            SqliteConnection.ClearAllPools();
            return new ImportBenchResult(rows, seconds, result.Counts, bytes, generateSeconds);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One in 400 rows has a bad address and one in 500 repeats an earlier one: the import rejects both.</summary>
    internal static void WriteCsv(string path, int rows, int seed)
    {
        string[] first = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Sem", "Julia", "Daan", "Anna", "Finn", "Zoë", "Jens", "Sofie", "Léa"];
        string[] last = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Müller", "Dubois", "García", "Smith", "Johnson", "Brown", "Peeters", "Nowak"];
        string[] domains = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "example.org", "acme.example", "contoso.example"];
        var rng = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("Email Address,First Name,Last Name,Company,Unsubscribed,Email Suspended,Email Suspended Cause,Email Suspended At,Email Invalid,Email Invalid Cause\n");
        var now = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var f = first[rng.Next(first.Length)];
            var l = last[rng.Next(last.Length)];
            var id = i % 500 == 499 ? i - 7 : i; // a duplicate of a row a little earlier
            var local = $"{f.ToLowerInvariant()}.{l.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}{id}";
            var email = i % 400 == 399 ? $"{local} at {domains[id % domains.Length]}" : $"{local}@{domains[id % domains.Length]}";
            var company = rng.Next(3) == 0 ? "" : $"\"Company {rng.Next(50_000)}, Ltd\"";
            var unsubscribed = rng.Next(100) < 3 ? "true" : "false";
            var roll = rng.Next(1000);
            var suspended = roll < 5;
            var invalid = roll is >= 5 and < 25;
            writer.Write(email);
            writer.Write(',');
            writer.Write(f);
            writer.Write(',');
            writer.Write(l);
            writer.Write(',');
            writer.Write(company);
            writer.Write(',');
            writer.Write(unsubscribed);
            writer.Write(suspended ? ",true,554 5.7.1 Message rejected as spam," : ",false,,");
            writer.Write(suspended ? now.AddMinutes(-rng.Next(500_000)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "");
            writer.Write(invalid ? ",true,550 5.1.1 The email account that you tried to reach does not exist\n" : ",false,\n");
        }
    }
}
