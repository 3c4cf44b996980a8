using System.CommandLine;
using CityBrain.Storage;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain migrate</c>: applies the schema the configured database lacks (Orleans' provider tables and
/// ours), then exits. Silos do the same when they start.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the schema the configured database lacks, then exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => MigrateAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> MigrateAsync(string[] configurationArgs, CancellationToken cancellationToken)
    {
        var (storage, _) = MaintenanceHost.Read(configurationArgs);
        var applied = await DatabaseSchema.MigrateAsync(storage.Database, storage.ConnectionString, cancellationToken: cancellationToken);
        Console.WriteLine(applied == 0 ? "Schema is up to date." : $"Applied {applied} schema scripts; schema is up to date.");
        return 0;
    }
}
