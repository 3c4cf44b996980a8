using System.CommandLine;
using CityBrain.Actors;
using Spectre.Console;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain silos</c>: lists the cluster's silos with their state and load, from the membership table.</summary>
internal static class SilosCommand
{
    public static Command Create()
    {
        var command = new Command("silos", "List the cluster's silos with their status, heartbeat and load.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => ListAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> ListAsync(string[] configurationArgs, CancellationToken cancellationToken)
    {
        using var host = MaintenanceHost.Build(configurationArgs);
        var (version, silos) = await host.Services.GetRequiredService<IActorsMaintenance>().ListSilosAsync(cancellationToken);
        if (silos.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]No cluster members.[/] (SQLite serves a single silo; on PostgreSQL, no silo has joined yet.)");
            return 0;
        }

        var now = DateTimeOffset.UtcNow;
        var table = new Table().Title($"CityBrain cluster, view {version}")
            .AddColumns("silo", "status", "gRPC", "HTTP", "started", "last heartbeat", "activations");
        foreach (var silo in silos.OrderBy(s => s.Status).ThenBy(s => s.Address, StringComparer.Ordinal))
        {
            var status = silo.Status switch
            {
                SiloStatus.Active => "[green]active[/]",
                SiloStatus.Leaving => "[yellow]leaving[/]",
                _ => "[grey]dead[/]",
            };
            table.AddRow(
                Markup.Escape(silo.Id),
                status,
                Markup.Escape(silo.GrpcUrl),
                Markup.Escape(silo.HttpUrl),
                silo.StartedAt.ToString("u"),
                $"{(now - silo.HeartbeatAt).TotalSeconds:0.0} s ago",
                silo.Activations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
