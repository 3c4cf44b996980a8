using CityBrain.Actors.Cluster;
using CityBrain.Actors.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CityBrain.Actors.Hosting;

internal sealed class ActorsMaintenance(IGrainStorage storage, IOptions<ActorRuntimeOptions> options) : IActorsMaintenance
{
    public Task<int> MigrateAsync(CancellationToken cancellationToken) => storage.MigrateAsync(cancellationToken);

    public async Task<(long ViewVersion, IReadOnlyList<SiloInfo> Silos)> ListSilosAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Storage.Provider != StorageProvider.Postgres)
        {
            return (0, []);
        }

        var dataSource = NpgsqlDataSource.Create(settings.Storage.ConnectionString);
        await using var dataSourceScope = dataSource.ConfigureAwait(false);
        var table = new MembershipTable(dataSource, new SiloIdentity("cli", 0), settings.Cluster);
        var snapshot = await table.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (snapshot.Version, snapshot.Silos);
    }
}
