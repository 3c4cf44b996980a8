using System.CommandLine;
using CityBrain.Silo.Commands;

// citybrain — the CityBrain silo and its operations commands.
//   citybrain [run] [--CityBrain:GrpcUrl=http://127.0.0.1:50051 ...]   start the silo (default)
//   citybrain migrate                                                   apply schema migrations and exit
//   citybrain silos                                                     list the cluster's silos
//   citybrain probe http://127.0.0.1:8080/readyz                        health check for containers
//   citybrain token --role feed --source hotline-12345                 mint an API token with the configured key
var root = new RootCommand("CityBrain: the event-dispatch backend of a city command center.")
{
    TreatUnmatchedTokensAsErrors = false,
};
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(SilosCommand.Create());
root.Subcommands.Add(OutboxCommand.Create());
root.Subcommands.Add(ProbeCommand.Create());
root.Subcommands.Add(TokenCommand.Create());
root.SetAction((parse, cancellationToken) => RunCommand.RunAsync([.. parse.UnmatchedTokens], cancellationToken));
// SIGTERM and Ctrl+C belong to the host: it stops gracefully (drain, leave the cluster) within its own shutdown timeout.
// System.CommandLine would otherwise end the process with code 143 two seconds after the signal, whatever was running.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
