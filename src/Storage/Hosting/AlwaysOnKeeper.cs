using CityBrain.Storage.Internal;
using Microsoft.Extensions.Logging;

namespace CityBrain.Storage;

/// <summary>A grain that must always be active somewhere in the cluster (a deadline shard, a feed projector): every
/// silo calls <see cref="Ping"/> once it is active and every second after. Register one per grain as a singleton.</summary>
/// <param name="Name">Names the grain in logs.</param>
/// <param name="Ping">A call that activates the grain and returns at once.</param>
public sealed record AlwaysOnGrain(string Name, Func<IGrainFactory, Task> Ping);

/// <summary>
/// Keeps every <see cref="AlwaysOnGrain"/> active: once this silo is active, every second after, and at once when this
/// silo learns that a member died, it calls each one, so a grain whose silo died (or left) is activated again on a live
/// silo as soon as the cluster knows (an outbox shard of a killed silo delivers nothing until then).
/// Stops before the silo's grains are deactivated on shutdown.
/// </summary>
internal sealed class AlwaysOnKeeper(
    IEnumerable<AlwaysOnGrain> grains,
    IGrainFactory factory,
    IClusterMembershipService membership,
    BackgroundClock clock,
    ILogger<AlwaysOnKeeper> logger) : ActiveSiloLoop
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly AlwaysOnGrain[] _grains = grains.ToArray();
    private TaskCompletionSource _memberDied = NewSignal();

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var watching = WatchForDeathsAsync(stopping);
        await PingAllAsync(stopping).ConfigureAwait(false);
        await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PingAllAsync(CancellationToken stopping)
    {
        var failing = new bool[_grains.Length];
        while (!stopping.IsCancellationRequested)
        {
            var died = Volatile.Read(ref _memberDied).Task;
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
                await clock.WaitAsync(died, Interval, TimeSpan.Zero, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Wakes the pings whenever a newer membership snapshot has a member die.</summary>
    private async Task WatchForDeathsAsync(CancellationToken stopping)
    {
        ClusterMembershipSnapshot? previous = null;
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping).ConfigureAwait(false))
        {
            if (MemberDied(previous, snapshot))
            {
                Interlocked.Exchange(ref _memberDied, NewSignal()).TrySetResult();
            }

            previous = snapshot;
        }
    }

    /// <summary>Whether a member is dead in <paramref name="current"/> that was not in <paramref name="previous"/>; the
    /// first snapshot (no previous) is no news, whoever died before it.</summary>
    internal static bool MemberDied(ClusterMembershipSnapshot? previous, ClusterMembershipSnapshot current) =>
        previous is not null && current.CreateUpdate(previous).Changes.Any(m => m.Status == SiloStatus.Dead);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
