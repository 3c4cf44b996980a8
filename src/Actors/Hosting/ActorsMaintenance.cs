using CityBrain.Actors.Storage;

namespace CityBrain.Actors.Hosting;

internal sealed class ActorsMaintenance(IGrainStorage storage) : IActorsMaintenance
{
    public Task<int> MigrateAsync(CancellationToken cancellationToken) => storage.MigrateAsync(cancellationToken);
}
