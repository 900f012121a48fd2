using BounceAdmin;
using BounceAdmin.Cli;

// Command-line verbs (classify, ingest, user, bench) run without starting the web server; the web host lives in a
// method of its own so that `classify` does not even load ASP.NET's assemblies.
return CommandLine.IsCommand(args)
    ? await CommandLine.RunAsync(args)
    : await AppSetup.RunWebAppAsync(args);
