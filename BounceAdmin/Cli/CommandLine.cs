using System.Data.Common;
using BounceAdmin.Data;
using BounceAdmin.Features;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Cli;

/// <summary>The command-line verbs: <c>classify</c>, <c>ingest</c>, <c>user add</c>, <c>bench</c>, <c>import people</c>.</summary>
public static class CommandLine
{
    private static readonly string[] Verbs = ["classify", "ingest", "user", "apikey", "bench", "import", "help", "--help"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args[0] switch
            {
                "user" => await UserCommand.RunAsync(args[1..]),
                "apikey" => await ApiKeyCommand.RunAsync(args[1..]),
                "classify" => NativeClassify.TryRun(args[1..]) ?? await ClassifyCommand.RunAsync(args[1..]),
                "ingest" => await IngestCommand.RunAsync(args[1..]),
                "bench" => await BenchCommand.RunAsync(args[1..]),
                "import" => await ImportCommand.RunAsync(args[1..]),
                _ => Usage(),
            };
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (CommandException ex)
        {
            await Console.Error.WriteLineAsync($"{args[0]}: {ex.Message}");
            return 1;
        }
    }

    public static int Usage()
    {
        Console.Error.WriteLine("""
            Usage: dotnet run --project BounceAdmin -- COMMAND
              (no command)                       start the web app
              classify PATH...                   print the classification of .eml files, folders or mbox files as JSON Lines
              ingest PATH...                     classify and apply bounces to people
              import people FILE [--dry-run] [--name NAME] [--clear-invalid --reason TEXT]
                                                 import people from a .csv or .xlsx file (JSON summary last)
              user add --email ADDRESS --role Marketer|Manager|Admin
                                                 create a user (password from BOUNCEADMIN_PASSWORD or asked for)
              apikey add --name NAME --scope SCOPE [--scope SCOPE] [--expires YYYY-MM-DD|TIME|Nd]
                                                 create an API key (scopes mailability:read, events:write, people:write);
                                                 the key is the last line of the output
              bench [--people N] [--emails N] [--sends N] [--bounces N] [--db PATH]
                                                 build a synthetic database and measure the app's queries
              import sends FILE [--create-people]
                                                 load a history of sends from CSV (prints a JSON summary)
              bench classify [--corpus DIR] [--copies N] [--rounds N] [--no-sisimai]
                                                 time classify against Perl Sisimai over a repeated corpus
              bench import [--people N]          time the people import of a generated CSV (N rows)
            """);
        return 2;
    }

    /// <summary>A host with the data, identity and feature services but no web server, for commands that need the database.</summary>
    public static async Task<WebApplication> BuildHostAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        // Commands print their results on stdout; logs go to stderr, warnings and worse only.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddBounceAdminData(builder.Configuration);
        builder.Services.AddBounceAdminIdentity();
        builder.Services.AddFeatures();
        builder.Services.AddScoped<ICurrentUser>(_ => FixedCurrentUser.For("cli", Roles.Admin));
        var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        try
        {
            await db.Database.MigrateAsync();
        }
        catch (DbException ex)
        {
            throw new CommandException(
                $"the database ({db.Database.GetDbConnection().DataSource}) could not be brought up to date: {ex.Message} "
                + "It was probably created by an incompatible build; move the file aside to start with a fresh database.", ex);
        }

        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().EnsureRolesAsync();
        return app;
    }
}

/// <summary>A command-line mistake: printed without a stack trace, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A command that cannot run (e.g. its database cannot be opened): printed without a stack trace, exit code 1.</summary>
public sealed class CommandException(string message, Exception? inner = null) : Exception(message, inner);
