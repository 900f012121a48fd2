using BounceAdmin;
using BounceAdmin.Cli;

// Command-line verbs (classify, ingest, user, bench) run without starting the web server.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddBounceAdmin();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.MapBounceAdmin();
await app.RunAsync();
return 0;
