using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using CityBrain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.Hosting;

/// <summary>
/// Keeps this silo's <see cref="CityDirectory"/> on the stored city definition, whichever silo an administrator loaded
/// it through: asks the city grain for its version every <see cref="Interval"/> (a small read-only call) and installs
/// the stored definition when the version moved. While the city grain cannot be reached it keeps trying, and the silo
/// keeps the version it has.
/// </summary>
internal sealed class CityWatcher(CityLoader loader, CityDirectory directory, BackgroundClock clock, ILogger<CityWatcher> logger) : BackgroundService
{
    /// <summary>How often the stored version is checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await loader.StoredVersionAsync().WaitAsync(stoppingToken).ConfigureAwait(false) != directory.Version)
                {
                    await loader.RefreshAsync().ConfigureAwait(false);
                }

                failing = false;
                await clock.DelayAsync(Interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (!failing)
                {
                    GrainsLog.CityWatchFailed(logger, exception, RetryDelay);
                }

                failing = true;
                try
                {
                    await clock.DelayAsync(RetryDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
