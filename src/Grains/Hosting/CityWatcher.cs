using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.Hosting;

/// <summary>
/// Keeps this silo's <see cref="CityDirectory"/> on the stored city definition: follows the city feed (written with
/// every new version, on whichever silo an administrator loaded it) and installs the stored version when an entry
/// arrives. A write on this silo wakes it at once; one on another silo within the feed's poll interval. While the
/// database is unreachable it retries, and the silo keeps the version it has.
/// </summary>
internal sealed class CityWatcher(IFeedReader feed, CityLoader loader, TimeProvider time, ILogger<CityWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var entries = await feed.ReadAsync<CityDocument>(CityLoader.FeedName, position, 100, stoppingToken).ConfigureAwait(false);
                if (entries.Count > 0)
                {
                    position = entries[^1].Position;
                    await loader.RefreshAsync().ConfigureAwait(false);
                    continue;
                }

                await feed.WaitAsync(CityLoader.FeedName, position, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                GrainsLog.CityWatchFailed(logger, exception, RetryDelay);
                try
                {
                    await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
