using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Storage;

/// <summary>Applies the schema first thing when the silo starts, before membership and the ADO.NET providers read
/// their tables and queries; then says whether the silos' connections fit the database's limit
/// (<see cref="ConnectionBudget"/>). (It takes the outbox's metrics so that their instruments exist from the start, as
/// the city's meter documents them, before the first delivery.)</summary>
#pragma warning disable CS9113 // The metrics are taken for their construction only.
internal sealed class StorageStartup(JournalStore store, IOptions<StorageOptions> options, Outbox.OutboxMetrics metrics, ILogger<StorageStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
#pragma warning restore CS9113
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageStartup), ServiceLifecycleStage.First, async cancellationToken =>
        {
            if (options.Value.MigrateOnStart)
            {
                await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }

            await CheckConnectionBudgetAsync(cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Logs the database's connection limit against the silos' budgets: a warning naming the figures to change
    /// when they do not fit. A failure to read them is logged and does not stop the silo.</summary>
    private async Task CheckConnectionBudgetAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await store.ReadConnectionLimitsAsync(cancellationToken).ConfigureAwait(false) is not { } limits)
            {
                return;
            }

            var (fits, text) = ConnectionBudget.Assess(limits.MaxConnections, limits.Reserved, limits.InUse, limits.ActiveSilos, ConnectionBudget.PerSilo(options.Value));
            if (fits)
            {
                StorageLog.ConnectionBudgetFits(logger, text);
            }
            else
            {
                StorageLog.ConnectionBudgetExceeded(logger, text);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            StorageLog.ConnectionBudgetUnknown(logger, exception);
        }
    }
}
