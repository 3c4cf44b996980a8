using CityBrain.Storage.Internal;
using Microsoft.Extensions.Logging;

namespace CityBrain.Storage;

/// <summary>A grain that must always be active somewhere in the cluster (a deadline shard, a feed projector): every
/// silo calls <see cref="Ping"/> once it is active and every second after. Register one per grain as a singleton.</summary>
/// <param name="Name">Names the grain in logs.</param>
/// <param name="Ping">A call that activates the grain and returns at once.</param>
public sealed record AlwaysOnGrain(string Name, Func<IGrainFactory, Task> Ping);

/// <summary>
/// Keeps every <see cref="AlwaysOnGrain"/> active: once this silo is active, and every second after, it calls each one,
/// so a grain whose silo died (or left) is activated again on a live silo within about a second of the cluster noticing.
/// Stops before the silo's grains are deactivated on shutdown.
/// </summary>
internal sealed class AlwaysOnKeeper(IEnumerable<AlwaysOnGrain> grains, IGrainFactory factory, BackgroundClock clock, ILogger<AlwaysOnKeeper> logger) : ActiveSiloLoop
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly AlwaysOnGrain[] _grains = grains.ToArray();

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var failing = new bool[_grains.Length];
        while (!stopping.IsCancellationRequested)
        {
            await Task.WhenAll(_grains.Select(async (grain, i) =>
            {
                try
                {
                    await grain.Ping(factory).WaitAsync(stopping).ConfigureAwait(false);
                    failing[i] = false;
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    if (!failing[i])
                    {
                        StorageLog.PingFailed(logger, exception, grain.Name);
                    }

                    failing[i] = true;
                }
                catch (OperationCanceledException)
                {
                }
            })).ConfigureAwait(false);

            try
            {
                await clock.DelayAsync(Interval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
