namespace BounceAdmin.Features.Bench;

/// <summary>The sizes and knobs of one <c>bench</c> run.</summary>
/// <param name="People">People in the synthetic database.</param>
/// <param name="Emails">Emails (campaigns); their sends are spread over <see cref="Days"/> days.</param>
/// <param name="Sends">Sends in all.</param>
/// <param name="Bounces">Bounce events in the dataset (about; they are drawn per send).</param>
/// <param name="DbPath">The database file; replaced if it exists.</param>
/// <param name="Apply">Bounce messages applied through the rules service for the throughput figure.</param>
/// <param name="Repetitions">Timed repetitions per query (after warm-up); slow queries stop early at <see cref="MaxSecondsPerQuery"/>.</param>
/// <param name="Seed">Seed of every random choice, so two runs build the same data.</param>
/// <param name="ReuseDb">Skip the build when the file exists (for iterating on queries; build_s is then 0).</param>
public sealed record BenchOptions(
    int People = 1_000_000,
    int Emails = 2_000,
    long Sends = 10_000_000,
    long Bounces = 1_000_000,
    string? DbPath = null,
    int Apply = 10_000,
    int Repetitions = 40,
    int Seed = 20261128,
    bool ReuseDb = false)
{
    /// <summary>How many days of sends the dataset spans, ending now.</summary>
    public const int Days = 180;

    /// <summary>Warm-up runs of each query before timing.</summary>
    public const int WarmUp = 2;

    /// <summary>A query that is this slow is timed fewer times (at least <see cref="MinRepetitions"/>).</summary>
    public const double MaxSecondsPerQuery = 20;

    public const int MinRepetitions = 5;

    public string ResolvedDbPath => DbPath ?? Path.Combine(Path.GetTempPath(), "bounceadmin-bench.db");

    /// <summary>Parses the command line of <c>bench</c>; throws <see cref="ArgumentException"/> on a mistake.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            long Number(long min) => long.TryParse(Next().Replace("_", "", StringComparison.Ordinal), out var n) && n >= min
                ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number of at least {min}.");
            o = args[i] switch
            {
                "--people" => o with { People = checked((int)Number(10)) },
                "--emails" => o with { Emails = checked((int)Number(1)) },
                "--sends" => o with { Sends = Number(1) },
                "--bounces" => o with { Bounces = Number(0) },
                "--db" => o with { DbPath = Path.GetFullPath(Next()) },
                "--apply" => o with { Apply = checked((int)Number(1)) },
                "--reps" => o with { Repetitions = checked((int)Number(1)) },
                "--seed" => o with { Seed = checked((int)Number(0)) },
                "--reuse" => o with { ReuseDb = true },
                _ => throw new ArgumentException($"Unknown bench option '{args[i]}'."),
            };
        }

        if (o.Bounces > o.Sends)
        {
            throw new ArgumentException("--bounces cannot exceed --sends (each bounce answers one send).");
        }

        return o;
    }
}
