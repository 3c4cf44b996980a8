using CityBrain.Storage.Journal;
using Microsoft.Extensions.Options;

namespace CityBrain.Storage;

/// <summary>Applies the schema first thing when the silo starts, before membership and the ADO.NET providers read
/// their tables and queries. (It takes the outbox's metrics so that their instruments exist from the start, as the
/// city's meter documents them, before the first delivery.)</summary>
#pragma warning disable CS9113 // The metrics are taken for their construction only.
internal sealed class StorageStartup(JournalStore store, IOptions<StorageOptions> options, Outbox.OutboxMetrics metrics) : ILifecycleParticipant<ISiloLifecycle>
#pragma warning restore CS9113
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
