using System.Text.Json;
using BounceAdmin.Cli;
using BounceAdmin.Tests.Features.Bounces.Classification;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Tests.Cli;

/// <summary><c>ingest</c> over real bounce files: a JSON summary last, nothing applied twice, usage errors exit 2.</summary>
public sealed class IngestCommandTests : IDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bounceadmin-ingest-{Guid.NewGuid():N}.db");
    private readonly string _dir = Directory.CreateTempSubdirectory("bounceadmin-ingest-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" }) File.Delete(f);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task IngestingTheSameFolderTwiceAppliesNothingTheSecondTime()
    {
        var corpus = CorpusAccuracyTests.CorpusDirectory();
        var files = Directory.GetFiles(corpus, "lhost-postfix-*.eml").Order().Take(5).ToList();
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(_dir, "zz-empty.eml"), "");
        string[] args = [_dir, $"--ConnectionStrings:Default=Data Source={_dbPath}", "--environment=Production"];

        var first = await RunAsync(args);
        var second = await RunAsync(args);

        Assert.Equal(5, files.Count);
        Assert.Equal(6, first.GetProperty("messages").GetInt32());
        Assert.True(first.GetProperty("bounces").GetInt32() >= 5);
        Assert.Equal(1, first.GetProperty("errors").GetInt32());
        Assert.Equal(first.GetProperty("bounces").GetInt32(), first.GetProperty("unmatched").GetInt32() + first.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, second.GetProperty("applied").GetInt32());
        Assert.Equal(second.GetProperty("bounces").GetInt32(), second.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task AMissingPathIsAUsageError()
    {
        Assert.Equal(2, await CommandLine.RunAsync(["ingest", Path.Combine(_dir, "nope.eml")]));
        Assert.Equal(2, await CommandLine.RunAsync(["ingest"]));
    }

    [Fact]
    public async Task ADatabaseThatCannotBeMigrated_IsAClearErrorWithoutAStackTrace()
    {
        // A file whose schema the migrations did not make: the first CREATE TABLE of the migration collides with it.
        using (var cn = new SqliteConnection($"Data Source={_dbPath}"))
        {
            cn.Open();
            using var cmd = cn.CreateCommand();
            cmd.CommandText = "CREATE TABLE AspNetRoles (Id TEXT)";
            cmd.ExecuteNonQuery();
        }

        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await CommandLine.RunAsync(["ingest", _dir, $"--ConnectionStrings:Default=Data Source={_dbPath}", "--environment=Production"]);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(1, exit);
        Assert.Contains("could not be brought up to date", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(_dbPath, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 14.4: a zip bomb given to ingest is refused before it is expanded and listed in the quarantine with the reason.</summary>
    [Fact]
    public async Task AZipBombIsQuarantinedWithTheReasonInsteadOfBeingExpanded()
    {
        var bomb = Path.Combine(_dir, "bomb.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(bomb, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var entry = zip.CreateEntry("m.eml", System.IO.Compression.CompressionLevel.SmallestSize).Open();
            entry.Write(new byte[30 * 1024 * 1024]);
        }

        var summary = await RunAsync([bomb, $"--ConnectionStrings:Default=Data Source={_dbPath}", "--environment=Production"]);

        Assert.Equal((1, 1, 0), (summary.GetProperty("messages").GetInt32(), summary.GetProperty("errors").GetInt32(), summary.GetProperty("bounces").GetInt32()));
        await using var db = new SqliteConnection($"Data Source={_dbPath}");
        await db.OpenAsync();
        await using var read = db.CreateCommand();
        read.CommandText = "SELECT Error, length(Content) FROM Quarantine";
        await using var r = await read.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Contains("zip bomb", r.GetString(0));
        Assert.True(r.GetInt64(1) <= 1024 * 1024);
    }

    private static async Task<JsonElement> RunAsync(string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await IngestCommand.RunAsync(args, output));
        var last = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonDocument.Parse(last).RootElement.Clone();
    }
}
