using System.Text.Json;
using BounceAdmin.Features.Bounces.Ingestion;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>ingest PATH...</c>: classifies the messages and applies them through the rules service, each message in its own
/// transaction, and prints the JSON summary as its only line on standard output. Messages that fail go to the
/// quarantine (listed in the app at /bounces/quarantine). On a terminal, progress goes to standard error.
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
        var progress = Console.IsErrorRedirected ? null : new TerminalProgress(Console.Error);
        // A file that cannot be read as messages (a damaged zip, or one refused by the zip limits of issue 14) is listed
        // in the quarantine with the reason, like an upload's, instead of ending the run with a stack trace.
        var unreadable = new List<(string Path, string Error)>();
        var summary = await ingest.IngestAsync(paths.SelectMany(p => Guarded(p, unreadable)), "cli", progress: progress);
        foreach (var (path, error) in unreadable)
        {
            if (File.Exists(path))
            {
                await using var file = File.OpenRead(path);
                summary.Add(await ingest.QuarantineStreamAsync(path, file, "cli", error));
            }
            else
            {
                summary.Add(await ingest.QuarantineFileAsync(path, null, "cli", error));
            }

            await Console.Error.WriteLineAsync($"ingest: {path} could not be read ({error}); it is listed in the quarantine");
        }

        progress?.Finish();
        await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, IngestJsonContext.Default.IngestSummary));
        return 0;
    }

    /// <summary>The messages of one path; a read error ends that path's messages and is noted in <paramref name="unreadable"/>.</summary>
    private static IEnumerable<RawMessage> Guarded(string path, List<(string Path, string Error)> unreadable)
    {
        using var messages = MessageSources.FromPaths([path]).GetEnumerator();
        while (true)
        {
            RawMessage message;
            try
            {
                if (!messages.MoveNext())
                {
                    yield break;
                }

                message = messages.Current;
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or NotSupportedException or IOException)
            {
                unreadable.Add((path, ex.Message));
                yield break;
            }

            yield return message;
        }
    }

    /// <summary>The first bytes of a file, as much as the quarantine keeps (null for a folder).</summary>
    /// <summary>A running count on one terminal line, every 250 messages (synchronous: it never lands after the summary).</summary>
    private sealed class TerminalProgress(TextWriter error) : IProgress<IngestProgress>
    {
        private bool _shown;

        public void Report(IngestProgress value)
        {
            if (value.Done % 250 == 0)
            {
                var s = value.SoFar;
                error.Write($"\ringest: {value.Done:N0} messages, {s.Applied:N0} applied, {s.Duplicates:N0} duplicates, {s.Unmatched:N0} unmatched, {s.Errors:N0} quarantined");
                _shown = true;
            }
        }

        public void Finish()
        {
            if (_shown)
            {
                error.WriteLine();
            }
        }
    }
}
