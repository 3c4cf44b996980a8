using System.CommandLine;
using System.Globalization;
using CityBrain.Storage;
using Npgsql;
using Spectre.Console;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain silos</c>: lists the cluster's Orleans membership (status, address, start time, last
/// heartbeat), read from the membership table.</summary>
internal static class SilosCommand
{
    public static Command Create()
    {
        var command = new Command("silos", "List the cluster's silos: Orleans membership status, address, start time and last heartbeat.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => ListAsync([.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> ListAsync(string[] configurationArgs, CancellationToken cancellationToken)
    {
        var (storage, cluster) = MaintenanceHost.Read(configurationArgs);
        var console = Terminal.Output();
        if (storage.Database != DatabaseKind.Postgres)
        {
            console.MarkupLine("[yellow]No cluster membership on SQLite:[/] it serves a single silo (localhost clustering).");
            return 0;
        }

        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT v.Version, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.StartTime, m.IAmAliveTime "
            + "FROM OrleansMembershipVersionTable v LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId "
            + "WHERE v.DeploymentId = @cluster ORDER BY m.Status, m.StartTime", connection);
        command.Parameters.AddWithValue("cluster", cluster.ClusterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var table = new Table().AddColumns("silo", "status", "address", "gateway", "host", "started", "last heartbeat");
        var version = -1L;
        var rows = 0;
        var now = DateTimeOffset.UtcNow;
        while (await reader.ReadAsync(cancellationToken))
        {
            version = reader.GetInt64(0);
            if (reader.IsDBNull(1))
            {
                continue;
            }

            var status = (SiloStatus)reader.GetInt32(6);
            var heartbeat = reader.GetFieldValue<DateTimeOffset>(9);
            table.AddRow(
                Markup.Escape(reader.GetString(4)),
                status switch
                {
                    SiloStatus.Active => "[green]active[/]",
                    SiloStatus.Joining or SiloStatus.Created => "[blue]joining[/]",
                    SiloStatus.ShuttingDown or SiloStatus.Stopping => "[yellow]leaving[/]",
                    _ => "[grey]dead[/]",
                },
                Markup.Escape($"{reader.GetString(1)}:{reader.GetInt32(2)} (generation {reader.GetInt32(3)})"),
                reader.GetInt32(7).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(reader.GetString(5)),
                reader.GetFieldValue<DateTimeOffset>(8).ToString("u", CultureInfo.InvariantCulture),
                $"{(now - heartbeat).TotalSeconds:0.0} s ago");
            rows++;
        }

        if (version < 0 || rows == 0)
        {
            console.MarkupLine($"[yellow]No silo has joined cluster '{Markup.Escape(cluster.ClusterId)}' yet.[/]");
            return 0;
        }

        table.Title($"CityBrain cluster '{Markup.Escape(cluster.ClusterId)}', membership version {version}");
        console.Write(table);
        return 0;
    }
}
