using System.Text.Json;
using BounceAdmin.Cli;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Tests.Cli;

/// <summary><c>import sends FILE</c>: the JSON summary as the last line, a re-run changes nothing, bad files and usage exit non-zero.</summary>
public sealed class ImportSendsCommandTests : IDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bounceadmin-import-sends-{Guid.NewGuid():N}.db");
    private readonly string _csv = Path.Combine(Path.GetTempPath(), $"bounceadmin-import-sends-{Guid.NewGuid():N}.csv");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm", _csv })
        {
            File.Delete(f);
        }
    }

    private string[] Args(params string[] extra)
        => [_csv, .. extra, $"--ConnectionStrings:Default=Data Source={_dbPath}", "--environment=Production"];

    private static async Task<JsonElement> RunAsync(string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ImportSendsCommand.RunAsync(args, output));
        var last = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    [Fact]
    public async Task Importing_the_same_file_twice_creates_nothing_the_second_time()
    {
        await File.WriteAllTextAsync(_csv, """
            Email,Email Name,Program,Sent At,External Id
            ann@example.com,Welcome,Onboarding,2026-11-18T09:00:00Z,s-1
            bob@example.com,Welcome,Onboarding,2026-11-18T09:05:00+01:00,s-2
            """);

        var first = await RunAsync(Args("--create-people"));
        var second = await RunAsync(Args("--create-people"));

        Assert.Equal((2, 2, 2, 1), (first.GetProperty("rows").GetInt32(), first.GetProperty("created").GetInt32(),
            first.GetProperty("peopleCreated").GetInt32(), first.GetProperty("emailsCreated").GetInt32()));
        Assert.Equal((0, 2), (second.GetProperty("created").GetInt32(), second.GetProperty("duplicates").GetInt32()));
    }

    [Fact]
    public async Task A_bad_file_exits_1_and_usage_mistakes_exit_2()
    {
        await File.WriteAllTextAsync(_csv, "Email,Email Name,Program,Sent At,External Id\nann@example.com,Welcome,Onboarding,yesterday,s-1\n");

        Assert.Equal(1, await CommandLine.RunAsync(["import", "sends", .. Args()]));
        Assert.Equal(2, await CommandLine.RunAsync(["import", "sends"]));
        Assert.Equal(2, await CommandLine.RunAsync(["import", "sends", _csv + ".missing"]));
    }
}
