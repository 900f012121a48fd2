// The native `classify` executable: the same command as `dotnet run --project BounceAdmin -- classify PATH...`.
return await BounceAdmin.Cli.ClassifyCommand.RunAsync(args);
