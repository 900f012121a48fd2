using System.Text.Json;
using BounceAdmin.Cli;
using BounceAdmin.Features.Bench;
using BounceAdmin.Tests.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bench;

public sealed class ClassifyBenchTests : IDisposable
{
    private readonly string corpus = Directory.CreateTempSubdirectory("bench-corpus-").FullName;

    public void Dispose() => Directory.Delete(corpus, recursive: true);

    [Fact]
    public void The_default_corpus_is_the_one_in_the_repository()
    {
        var corpus = ClassifyBenchOptions.DefaultCorpus;
        Assert.NotNull(corpus);
        Assert.True(File.Exists(Path.Combine(corpus, "expected.jsonl")), corpus);
        Assert.Equal(Path.Combine("BounceAdmin.Tests", "Corpus", "dev"),
            Path.GetRelativePath(Path.GetFullPath(Path.Combine(corpus, "..", "..", "..")), corpus));
        Assert.Equal(Directory.GetFiles(CorpusAccuracyTests.CorpusDirectory(), "*.eml").Length,
            Directory.GetFiles(corpus, "*.eml").Length);
    }

    [Fact]
    public void Parses_its_options_and_refuses_mistakes()
    {
        var defaults = ClassifyBenchOptions.Parse([]);
        Assert.Equal(new ClassifyBenchOptions(ClassifyBenchOptions.DefaultCorpus!, 20, 9, true, true), defaults);

        var o = ClassifyBenchOptions.Parse(["--corpus", "/x", "--copies", "3", "--rounds", "2", "--no-sisimai", "--no-idle-wait"]);
        Assert.Equal(new ClassifyBenchOptions("/x", 3, 2, false, false), o);

        Assert.Throws<ArgumentException>(() => ClassifyBenchOptions.Parse(["--copies", "0"]));
        Assert.Throws<ArgumentException>(() => ClassifyBenchOptions.Parse(["--rounds"]));
        Assert.Throws<ArgumentException>(() => ClassifyBenchOptions.Parse(["--fast"]));
    }

    [Fact]
    public void Summarises_best_median_and_ratios_per_round()
    {
        CommandTiming Run(double wall) => new(wall, wall * 2, 10L << 20);
        var ours = new[] { Run(0.20), Run(0.10), Run(0.30), Run(0.40) };
        var theirs = new[] { Run(3.0), Run(2.0), Run(3.0), Run(6.0) };

        var (text, json) = ClassifyBench.Summarize(100, ours, theirs);

        var classify = Assert.IsType<Dictionary<string, object?>>(json["classify"]);
        Assert.Equal(0.1, classify["best_s"]);
        Assert.Equal(0.25, classify["median_s"]);
        Assert.Equal(0.5, classify["cpu_median_s"]);
        Assert.Equal(10.0, classify["peak_mb"]);
        Assert.Equal(12.0, json["median_ratio"]); // 3.0 / 0.25
        Assert.Equal(20.0, json["best_ratio"]); // 2.0 / 0.1
        Assert.Equal(10.0, json["lowest_round_ratio"]); // round 3: 3.0 / 0.3
        Assert.Contains("12.0x median against median", text);
        Assert.Equal(2.0, ClassifyBench.Median([3, 1, 2]));
    }

    [Fact]
    public async Task Times_the_classify_command_over_copies_of_the_corpus_and_removes_them()
    {
        File.WriteAllText(Path.Combine(corpus, "a.eml"),
            "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n<a@example.org>:\n550 5.1.1 user unknown\n");
        // The same name in a subfolder: its copies must not collide with a.eml's.
        Directory.CreateDirectory(Path.Combine(corpus, "more"));
        File.WriteAllText(Path.Combine(corpus, "more", "a.eml"),
            "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n<b@example.org>:\n452 4.2.2 mailbox full\n");
        var executable = NativeClassify.Executable(AppContext.BaseDirectory);
        Assert.True(executable is not null, $"no {NativeClassify.FileName} next to the tests (or {NativeClassify.InProcessVariable} is set)");
        var output = new StringWriter();

        var code = await ClassifyBench.RunAsync(new ClassifyBenchOptions(corpus, Copies: 3, Rounds: 2, Sisimai: false, WaitForIdle: false),
            output, [executable]);

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("6 files (2 from", lines[0]);
        var folder = lines[0][(lines[0].LastIndexOf(" in ", StringComparison.Ordinal) + 4)..];
        Assert.False(Directory.Exists(folder), "the copies were left behind");
        Assert.Equal(2, lines.Count(l => l.StartsWith("round ", StringComparison.Ordinal)));
        using var json = JsonDocument.Parse(lines[^1]);
        Assert.Equal(6, json.RootElement.GetProperty("files").GetInt32());
        Assert.True(json.RootElement.GetProperty("classify").GetProperty("best_s").GetDouble() > 0);
        Assert.False(json.RootElement.TryGetProperty("sisimai", out _));
    }

    [Fact]
    public async Task A_missing_corpus_is_a_usage_error()
    {
        var ex = await Assert.ThrowsAsync<UsageException>(() => BenchCommand.RunAsync(["classify", "--corpus", Path.Combine(corpus, "none")]));
        Assert.Contains("--corpus DIR", ex.Message);
    }
}
