using System.CommandLine;
using CityBrain.Actors;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain migrate</c>: applies pending schema migrations to the configured database and exits.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending schema migrations to the configured database, then exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => MigrateAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> MigrateAsync(string[] configurationArgs, CancellationToken cancellationToken)
    {
        using var host = MaintenanceHost.Build(configurationArgs);
        var applied = await host.Services.GetRequiredService<IActorsMaintenance>().MigrateAsync(cancellationToken);
        Console.WriteLine(applied == 0 ? "Schema is up to date." : $"Applied {applied} migrations; schema is up to date.");
        return 0;
    }
}
