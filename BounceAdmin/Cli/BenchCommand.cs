using BounceAdmin.Features.Bench;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>bench [--people N] [--emails N] [--sends N] [--bounces N] [--db PATH] [--apply N] [--reps N] [--seed N] [--reuse]</c>:
/// builds a synthetic database and measures the app's queries against it (issue 4).
/// <c>bench classify [--corpus DIR] [--copies N] [--rounds N] [--no-sisimai] [--no-idle-wait]</c>: times <c>classify</c>
/// against Perl Sisimai over a repeated corpus (issue 3). <c>bench import [--people N]</c>: only the people import (issue 12).
/// The last line printed is one JSON object.
/// </summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, CancellationToken ct = default)
    {
        if (args is ["classify", ..])
        {
            try
            {
                return await ClassifyBench.RunAsync(ClassifyBenchOptions.Parse(args[1..]), output ?? Console.Out, ct: ct);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message + Environment.NewLine
                    + "Usage: bench classify [--corpus DIR] [--copies N] [--rounds N] [--no-sisimai] [--no-idle-wait]");
            }
            catch (InvalidOperationException ex)
            {
                throw new CommandException(ex.Message, ex);
            }
        }

        if (args is ["import", ..])
        {
            // Only the import scenario (issue 12), without building the query dataset: bench import [--people N] [--seed N].
            BenchOptions importOptions;
            try
            {
                importOptions = BenchOptions.Parse(args[1..]);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message + Environment.NewLine + "Usage: bench import [--people N] [--seed N]");
            }

            await BenchRunner.RunImportOnlyAsync(importOptions, output ?? Console.Out, ct);
            return 0;
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message + Environment.NewLine
                + "Usage: bench [--people N] [--emails N] [--sends N] [--bounces N] [--db PATH] [--apply N] [--reps N] [--seed N] [--reuse]");
        }

        await BenchRunner.RunAsync(options, output ?? Console.Out, ct);
        return 0;
    }
}
