using CityBrain.Storage.Journal;
using Microsoft.Extensions.Options;

namespace CityBrain.Storage;

/// <summary>Applies the schema first thing when the silo starts, before membership and the ADO.NET providers read
/// their tables and queries.</summary>
internal sealed class StorageStartup(JournalStore store, IOptions<StorageOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageStartup), ServiceLifecycleStage.First, async cancellationToken =>
        {
            if (options.Value.MigrateOnStart)
            {
                await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
        });
}
