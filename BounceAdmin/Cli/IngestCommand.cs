using System.Text.Json;
using BounceAdmin.Features.Bounces.Ingestion;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>ingest PATH...</c>: classifies the messages and applies them through the rules service, each message in its own
/// transaction. Prints one line per failed message and, last, the JSON summary.
/// </summary>
public static class IngestCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null)
    {
        stdout ??= Console.Out;
        var paths = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var hostArgs = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (paths.Count == 0)
        {
            throw new UsageException("Usage: ingest PATH...   (an .eml file, a folder of them, an mbox or a .zip)");
        }

        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException("No such file or folder: " + string.Join(", ", missing));
        }

        await using var app = await CommandLine.BuildHostAsync(hostArgs);
        await using var scope = app.Services.CreateAsyncScope();
        var ingest = scope.ServiceProvider.GetRequiredService<BounceIngestService>();
        var summary = await ingest.IngestAsync(MessageSources.FromPaths(paths), "cli");
        await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, IngestJsonContext.Default.IngestSummary));
        return 0;
    }
}
