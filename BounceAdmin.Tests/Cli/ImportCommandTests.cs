using System.Text.Json;
using BounceAdmin.Cli;
using BounceAdmin.Tests.Features.Import;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Tests.Cli;

/// <summary><c>import people FILE [--dry-run]</c>: the JSON summary as the last line, exit codes 0 / 1 / 2.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bounceadmin-import-{Guid.NewGuid():N}.db");
    private readonly ImportFiles _files = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" }) File.Delete(f);
        _files.Dispose();
    }

    private string Db => $"--ConnectionStrings:Default=Data Source={_dbPath}";

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit;
        try
        {
            exit = await ImportCommand.RunAsync([.. args, Db, "--environment=Production"], stdout, stderr);
        }
        catch (UsageException)
        {
            exit = 2;
        }
        catch (CommandException ex)
        {
            exit = 1;
            stderr.WriteLine(ex.Message);
        }

        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement LastLine(string output)
        => JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

    [Fact]
    public async Task DryRunSaysWhatWouldHappen_ThenTheImportDoesIt_ThenARerunChangesNothing()
    {
        var file = _files.Write("people.csv", "Email;First Name;Email Invalid\nada@example.com;Ada;false\nbob@example.com;Bob;true\nnope;X;\n");

        var dry = await RunAsync("people", file, "--dry-run");
        var real = await RunAsync("people", file);
        var again = await RunAsync("people", file);

        Assert.Equal(0, dry.Exit);
        Assert.Equal("""{"rows":3,"created":2,"updated":0,"unchanged":0,"rejected":1}""", dry.Out.Trim().Split('\n')[^1]);
        Assert.Contains("dry run, nothing written", dry.Err, StringComparison.Ordinal);
        Assert.Equal(0, real.Exit);
        Assert.Equal(2, LastLine(real.Out).GetProperty("created").GetInt32());
        Assert.Contains("row 4: rejected", real.Err, StringComparison.Ordinal);
        var rerun = LastLine(again.Out);
        Assert.Equal((3, 0, 0, 2, 1), (rerun.GetProperty("rows").GetInt32(), rerun.GetProperty("created").GetInt32(),
            rerun.GetProperty("updated").GetInt32(), rerun.GetProperty("unchanged").GetInt32(), rerun.GetProperty("rejected").GetInt32()));

        using var cn = new SqliteConnection($"Data Source={_dbPath}");
        cn.Open();
        using var cmd = cn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM People WHERE ImportBatchId IS NOT NULL";
        Assert.Equal(2L, cmd.ExecuteScalar());
    }

    [Fact]
    public async Task UsageMistakesExitWith2_AnUnreadableFileWith1()
    {
        var binary = _files.WriteBytes("bin.csv", [1, 0, 2, 0, 3]);
        var noEmail = _files.Write("noemail.csv", "Name,Company\nA,B\n");

        Assert.Equal(2, await CommandLine.RunAsync(["import"]));
        Assert.Equal(2, await CommandLine.RunAsync(["import", "sends", "x.csv"]));
        Assert.Equal(2, await CommandLine.RunAsync(["import", "people"]));
        Assert.Equal(2, await CommandLine.RunAsync(["import", "people", "/nonexistent/file.csv"]));
        Assert.Equal(2, (await RunAsync("people", binary, "--bogus")).Exit);
        Assert.Equal(2, (await RunAsync("people", binary, "--clear-invalid")).Exit);
        var unreadable = await RunAsync("people", binary);
        Assert.Equal(1, unreadable.Exit);
        Assert.Contains("not a text CSV file", unreadable.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("people", noEmail)).Exit);
    }
}
