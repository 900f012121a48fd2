using System.Text.Json;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Identity;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>import sends FILE [--create-people]</c>: loads a history of sends from CSV through <see cref="SendsService"/>
/// (<see cref="SendsCsvImport"/>) and prints the JSON summary as its last line on standard output.
/// </summary>
public static class ImportSendsCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null)
    {
        stdout ??= Console.Out;
        var createPeople = args.Contains("--create-people");
        var files = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        // Host settings come as --key=value (e.g. --ConnectionStrings:Default=...); any other option is a mistake, as in
        // `import people`, so a typo such as --create-peoples is refused rather than ignored.
        var hostArgs = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--create-people").ToArray();
        if (hostArgs.FirstOrDefault(a => !a.Contains('=')) is { } unknown)
        {
            throw new UsageException($"Unknown option '{unknown}'. Usage: import sends FILE [--create-people]");
        }

        if (files.Count != 1)
        {
            throw new UsageException("Usage: import sends FILE [--create-people]   (a CSV file with a header line)");
        }

        if (!File.Exists(files[0]))
        {
            throw new UsageException("No such file: " + files[0]);
        }

        await using var app = await CommandLine.BuildHostAsync(hostArgs);
        await using var scope = app.Services.CreateAsyncScope();
        var sends = scope.ServiceProvider.GetRequiredService<SendsService>();
        var progress = Console.IsErrorRedirected ? null : new Progress<int>(n => Console.Error.Write($"\rimport sends: {n:N0} rows"));
        SendsImportSummary summary;
        try
        {
            summary = await SendsCsvImport.ImportAsync(sends, FixedCurrentUser.For("cli", Roles.Admin), files[0], createPeople, progress);
        }
        catch (BatchRejectedException ex)
        {
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync(error.Index < 0 ? error.Message : $"line {error.Index}{(error.Field.Length > 0 ? $", {error.Field}" : "")}: {error.Message}");
            }

            throw new CommandException($"{files[0]}: {ex.Errors.Count} problem(s) found; nothing more was written (batches already applied stay whole, and running the import again after a fix changes nothing for them).");
        }

        if (progress is not null)
        {
            await Console.Error.WriteLineAsync();
        }

        await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, EngagementJson.Options));
        return 0;
    }
}
