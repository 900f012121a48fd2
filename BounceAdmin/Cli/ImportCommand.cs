using BounceAdmin.Features.Import;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>import people FILE [--dry-run] [--name NAME] [--clear-invalid --reason TEXT]</c>: imports people from a CSV or .xlsx
/// file through <see cref="PeopleImportService"/> (the page's path), the columns mapped from the header. Rows that are
/// rejected or imported in part go to standard error with their reason; the last line on standard output is the JSON
/// summary <c>{"rows":N,"created":N,"updated":N,"unchanged":N,"rejected":N}</c> (with <c>--dry-run</c>, what an import
/// would do; nothing is written). Exit codes: 0 done (rejected rows included), 1 the file or the database failed, 2 usage.
/// </summary>
public static class ImportCommand
{
    public const string UsageText =
        "Usage: import people FILE [--dry-run] [--name NAME] [--clear-invalid --reason TEXT]   (FILE: .csv or .xlsx)"
        + "\n       import sends FILE [--create-people]";

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken ct = default)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args.Length > 0 && args[0] == "sends")
        {
            return await ImportSendsCommand.RunAsync(args[1..], stdout);
        }

        if (args.Length == 0 || args[0] != "people")
        {
            throw new UsageException(UsageText);
        }

        string? file = null, name = null, reason = null;
        bool dryRun = false, clearInvalid = false;
        var hostArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.{Environment.NewLine}{UsageText}");
            switch (args[i])
            {
                case "--dry-run": dryRun = true; break;
                case "--clear-invalid": clearInvalid = true; break;
                case "--name": name = Value(); break;
                case "--reason": reason = Value(); break;
                case var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='):
                    hostArgs.Add(a); // host settings, e.g. --ConnectionStrings:Default=Data Source=app.db
                    break;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"Unknown option '{a}'.{Environment.NewLine}{UsageText}");
                default:
                    file = file is null ? args[i] : throw new UsageException($"One file at a time.{Environment.NewLine}{UsageText}");
                    break;
            }
        }

        if (file is null)
        {
            throw new UsageException(UsageText);
        }

        if (!File.Exists(file))
        {
            throw new UsageException($"No such file: {file}");
        }

        if (clearInvalid && string.IsNullOrWhiteSpace(reason))
        {
            throw new UsageException("--clear-invalid needs --reason TEXT: say how you know these addresses are valid.");
        }

        await using var app = await CommandLine.BuildHostAsync([.. hostArgs]);
        await using var scope = app.Services.CreateAsyncScope();
        var import = scope.ServiceProvider.GetRequiredService<PeopleImportService>();
        var options = new ImportOptions(name, clearInvalid, reason);
        ImportResult result;
        try
        {
            var inspection = await import.InspectAsync(file, Path.GetFileName(file), ct);
            if (!inspection.Columns.Any(c => c.Field == ImportField.Email))
            {
                throw new CommandException("no column of the header is an email address (Email, Email Address or E-mail).");
            }

            var mapped = inspection.Columns.Where(c => c.Field != ImportField.Ignore)
                .Select(c => $"{c.Header} → {ImportFields.Label(c.Field)}");
            await stderr.WriteLineAsync($"import: {inspection.Format}; columns: {string.Join(", ", mapped)}");
            result = dryRun
                ? await import.PreviewAsync(file, Path.GetFileName(file), inspection.Columns, options, ct: ct)
                : await import.ImportAsync(file, Path.GetFileName(file), inspection.Columns, options, ct: ct);
        }
        catch (ImportFileException ex)
        {
            throw new CommandException(ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        foreach (var issue in result.Issues)
        {
            await stderr.WriteLineAsync($"row {issue.Row}: {(issue.Rejected ? "rejected" : "kept a field")}: {issue.Reason}");
        }

        if (result.IssuesOmitted > 0)
        {
            await stderr.WriteLineAsync($"... and {result.IssuesOmitted:N0} more rows with a problem");
        }

        if (result.TimesWithoutOffset > 0)
        {
            await stderr.WriteLineAsync($"import: {result.TimesWithoutOffset:N0} times had no UTC offset and were read as UTC");
        }

        await stderr.WriteLineAsync(result.Status switch
        {
            Data.Entities.ImportBatchStatus.Failed => $"import: stopped by an error after {result.Counts.Rows:N0} rows (those are saved): {result.Error}",
            _ when dryRun => $"import: dry run, nothing written ({result.Seconds:F1} s)",
            _ => $"import: import batch {result.BatchId}, {result.Counts.Rows:N0} rows in {result.Seconds:F1} s ({result.RowsPerSecond:N0} rows/s)",
        });
        await stdout.WriteLineAsync(PeopleImportService.SummaryJson(result.Counts));
        return result.Status == Data.Entities.ImportBatchStatus.Failed ? 1 : 0;
    }
}
