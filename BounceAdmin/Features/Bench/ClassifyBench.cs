using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BounceAdmin.Features.Bench;

/// <summary>The knobs of one <c>bench classify</c> run.</summary>
/// <param name="Corpus">The folder of bounce messages (<c>*.eml</c>) to repeat.</param>
/// <param name="Copies">How many times each message is copied into the benchmark folder (real copies, distinct names).</param>
/// <param name="Rounds">Timed rounds; each runs <c>classify</c> and then Sisimai over the folder, back to back.</param>
/// <param name="Sisimai">Whether to time Perl Sisimai (<c>Sisimai-&gt;make($folder)</c>) beside it, when it is installed.</param>
/// <param name="WaitForIdle">Whether each round first waits (up to a minute) until the machine was ≥ 90 % idle for a second.</param>
public sealed record ClassifyBenchOptions(string Corpus, int Copies = 20, int Rounds = 9, bool Sisimai = true, bool WaitForIdle = true)
{
    /// <summary>
    /// The corpus used when none is given: the labelled development corpus in the repository
    /// (<c>BounceAdmin.Tests/Corpus/dev</c>), whose absolute path the build records in the assembly. Null when the app
    /// was built outside a clone of the repository (then <c>--corpus</c> is required).
    /// </summary>
    public static string? DefaultCorpus { get; } = typeof(ClassifyBenchOptions).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .OfType<System.Reflection.AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BounceAdmin.DevCorpus")?.Value;

    /// <summary>Parses the arguments after <c>bench classify</c>; throws <see cref="ArgumentException"/> on a mistake.</summary>
    public static ClassifyBenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new ClassifyBenchOptions(DefaultCorpus ?? "");
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number(int min, int max) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number from {min} to {max}.");
            o = args[i] switch
            {
                "--corpus" => o with { Corpus = Next() },
                "--copies" => o with { Copies = Number(1, 1000) },
                "--rounds" => o with { Rounds = Number(1, 100) },
                "--no-sisimai" => o with { Sisimai = false },
                "--no-idle-wait" => o with { WaitForIdle = false },
                _ => throw new ArgumentException($"Unknown bench classify option '{args[i]}'."),
            };
        }

        return o;
    }
}

/// <summary>One timed run of a command: wall clock, CPU (user + system) and peak resident memory when known.</summary>
public readonly record struct CommandTiming(double WallSeconds, double? CpuSeconds, long? PeakBytes);

/// <summary>
/// <c>bench classify</c>: the issue 3 speed comparison as one command. Copies the corpus <see cref="ClassifyBenchOptions.Copies"/>
/// times into a temporary folder, then times the app's own <c>classify</c> over it (the same command line a user runs, its
/// output to /dev/null) and Perl Sisimai 4.25 over the same files in the same minute, round after round, and prints the
/// best and median of each and their ratio; the last line is one JSON object. Peak memory and CPU come from GNU time
/// (<c>/usr/bin/time</c>) when it is installed.
/// </summary>
public static class ClassifyBench
{
    private const string TimePath = "/usr/bin/time";

    /// <summary>Runs the benchmark and prints its figures to <paramref name="output"/>.</summary>
    /// <param name="options">The corpus, copies and rounds.</param>
    /// <param name="output">Where the rounds, the summary and the JSON line go.</param>
    /// <param name="classifyCommand">The command to time, to which the folder is appended; by default this app's own
    /// <c>classify</c> as this process was started (<c>dotnet BounceAdmin.dll classify</c>).</param>
    /// <param name="ct">Stops between rounds and while waiting.</param>
    public static async Task<int> RunAsync(ClassifyBenchOptions options, TextWriter output, IReadOnlyList<string>? classifyCommand = null,
        CancellationToken ct = default)
    {
        if (options.Corpus.Length == 0)
        {
            throw new ArgumentException("This build does not know the repository's corpus folder: give one with --corpus DIR.");
        }

        if (!Directory.Exists(options.Corpus))
        {
            throw new ArgumentException($"No corpus folder {Path.GetFullPath(options.Corpus)}: give one with --corpus DIR.");
        }

        var sources = Directory.GetFiles(options.Corpus, "*.eml", SearchOption.AllDirectories);
        if (sources.Length == 0)
        {
            throw new ArgumentException($"The corpus folder {options.Corpus} holds no *.eml files.");
        }

        var folder = Directory.CreateTempSubdirectory("bounceadmin-bench-classify-").FullName;
        try
        {
            // Numbered, so files of the same name in different subfolders of the corpus stay apart.
            for (var copy = 1; copy <= options.Copies; copy++)
            {
                for (var i = 0; i < sources.Length; i++)
                {
                    File.Copy(sources[i], Path.Combine(folder, $"r{copy:D3}-{i:D6}-{Path.GetFileName(sources[i])}"));
                }
            }

            var files = sources.Length * options.Copies;
            var command = (classifyCommand ?? OwnClassifyCommand()).Append(folder).ToArray();
            string[] sisimai = ["perl", "-MSisimai", "-e", "Sisimai->make($ARGV[0])", folder];
            var withSisimai = options.Sisimai && await SucceedsAsync(["perl", "-MSisimai", "-e", "1"], ct);
            await output.WriteLineAsync($"{files:N0} files ({sources.Length:N0} from {options.Corpus}, {options.Copies} copies each) in {folder}");
            await output.WriteLineAsync($"classify: {string.Join(' ', command)}");
            await output.WriteLineAsync(withSisimai ? "sisimai:  " + string.Join(' ', sisimai)
                : options.Sisimai ? "sisimai:  not installed (perl -MSisimai failed); only classify is timed" : "sisimai:  not timed (--no-sisimai)");

            var ours = new List<CommandTiming>();
            var theirs = new List<CommandTiming>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                var idle = !options.WaitForIdle || await WaitForIdleAsync(ct);
                var a = await TimeAsync(command, ct);
                ours.Add(a);
                var line = $"round {round,2}: classify {a.WallSeconds,7:F3} s";
                if (withSisimai)
                {
                    var b = await TimeAsync(sisimai, ct);
                    theirs.Add(b);
                    line += $"   sisimai {b.WallSeconds,7:F3} s   ratio {b.WallSeconds / a.WallSeconds,5:F1}x";
                }

                await output.WriteLineAsync(line + (idle ? "" : "   (the machine never became idle)"));
            }

            var summary = Summarize(files, ours, withSisimai ? theirs : null);
            await output.WriteLineAsync(summary.Text);
            await output.WriteLineAsync(JsonSerializer.Serialize(summary.Json));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The figures of a run: a table for people and one JSON object.</summary>
    internal static (string Text, Dictionary<string, object?> Json) Summarize(int files, IReadOnlyList<CommandTiming> ours,
        IReadOnlyList<CommandTiming>? theirs)
    {
        static Dictionary<string, object?> Figures(IReadOnlyList<CommandTiming> runs) => new()
        {
            ["best_s"] = Math.Round(runs.Min(r => r.WallSeconds), 3),
            ["median_s"] = Math.Round(Median(runs.Select(r => r.WallSeconds)), 3),
            ["cpu_median_s"] = runs.All(r => r.CpuSeconds is not null) ? Math.Round(Median(runs.Select(r => r.CpuSeconds!.Value)), 3) : null,
            ["peak_mb"] = runs.All(r => r.PeakBytes is not null) ? Math.Round(runs.Max(r => r.PeakBytes!.Value) / 1048576.0, 1) : null,
        };

        static string Line(Dictionary<string, object?> f) =>
            $"best {f["best_s"]} s, median {f["median_s"]} s, CPU {f["cpu_median_s"] ?? "?"} s, peak {f["peak_mb"] ?? "?"} MB";

        var classify = Figures(ours);
        var json = new Dictionary<string, object?> { ["files"] = files, ["rounds"] = ours.Count, ["classify"] = classify };
        var text = "classify: " + Line(classify);
        if (theirs is { Count: > 0 })
        {
            var sisimai = Figures(theirs);
            var median = Median(theirs.Select(r => r.WallSeconds)) / Median(ours.Select(r => r.WallSeconds));
            var best = theirs.Min(r => r.WallSeconds) / ours.Min(r => r.WallSeconds);
            var worst = ours.Zip(theirs, (a, b) => b.WallSeconds / a.WallSeconds).Min();
            json["sisimai"] = sisimai;
            json["median_ratio"] = Math.Round(median, 1);
            json["best_ratio"] = Math.Round(best, 1);
            json["lowest_round_ratio"] = Math.Round(worst, 1);
            text += Environment.NewLine + "sisimai:  " + Line(sisimai) + Environment.NewLine
                + $"sisimai / classify: {median:F1}x median against median, {best:F1}x best against best, {worst:F1}x in the slowest round";
        }

        return (text, json);
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>This app's <c>classify</c> started as this process was, so the benchmark runs the very command a user runs.</summary>
    private static string[] OwnClassifyCommand()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [host, Path.Combine(AppContext.BaseDirectory, "BounceAdmin.dll"), "classify"]
            : [host, "classify"];
    }

    /// <summary>Runs <paramref name="command"/> with its output to /dev/null, under GNU time when it is there.</summary>
    private static async Task<CommandTiming> TimeAsync(string[] command, CancellationToken ct)
    {
        var report = File.Exists(TimePath) ? Path.GetTempFileName() : null;
        var start = new ProcessStartInfo(report is null ? "/bin/sh" : TimePath) { UseShellExecute = false };
        if (report is not null)
        {
            foreach (var arg in new[] { "-f", "%e %U %S %M", "-o", report, "/bin/sh" })
            {
                start.ArgumentList.Add(arg);
            }
        }

        // The shell only redirects and then becomes the command (exec), so the timing is the command's.
        foreach (var arg in new[] { "-c", "exec \"$@\" >/dev/null", "sh" }.Concat(command))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
            await process.WaitForExitAsync(ct);
            var wall = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{string.Join(' ', command)} exited with {process.ExitCode}");
            }

            if (report is null)
            {
                return new CommandTiming(wall, null, null);
            }

            var fields = (await File.ReadAllTextAsync(report, ct)).Trim().Split(' ');
            var user = double.Parse(fields[^3], CultureInfo.InvariantCulture);
            var system = double.Parse(fields[^2], CultureInfo.InvariantCulture);
            return new CommandTiming(wall, user + system, long.Parse(fields[^1], CultureInfo.InvariantCulture) * 1024);
        }
        finally
        {
            if (report is not null)
            {
                File.Delete(report);
            }
        }
    }

    private static async Task<bool> SucceedsAsync(string[] command, CancellationToken ct)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            await Task.WhenAll(process.StandardOutput.ReadToEndAsync(ct), process.StandardError.ReadToEndAsync(ct));
            await process.WaitForExitAsync(ct);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Waits until the machine was at least 90 % idle over one second (Linux /proc/stat), at most a minute.</summary>
    private static async Task<bool> WaitForIdleAsync(CancellationToken ct)
    {
        if (!File.Exists("/proc/stat"))
        {
            return true;
        }

        for (var attempt = 0; attempt < 60; attempt++)
        {
            var before = CpuTimes();
            await Task.Delay(1000, ct);
            var after = CpuTimes();
            var total = after.Total - before.Total;
            if (total > 0 && (after.Idle - before.Idle) * 100 >= total * 90)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The machine's idle and total CPU time so far (the first line of /proc/stat, in clock ticks).</summary>
    private static (long Idle, long Total) CpuTimes()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields[3] + fields[4], fields.Sum());
    }
}
