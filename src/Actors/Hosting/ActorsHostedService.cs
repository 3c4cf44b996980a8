using CityBrain.Actors.Storage;
using Microsoft.Extensions.Hosting;

namespace CityBrain.Actors.Hosting;

/// <summary>Starts the runtime (migrations, timers, housekeeping) and stops it gracefully (grains deactivated,
/// pending writes committed).</summary>
internal sealed class ActorsHostedService(GrainRuntime runtime, IGrainStorage storage, IHostApplicationLifetime lifetime) : IHostedService
{
    private Task _leaving = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForStorageAsync(cancellationToken).ConfigureAwait(false);
        if (runtime.Membership is { } membership)
        {
            // Joining publishes the first view, which loads the timers of the grains this silo owns.
            await membership.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await runtime.Timers.LoadAsync(static _ => true, cancellationToken).ConfigureAwait(false);
        }

        runtime.Timers.Start();
        var timers = runtime.Timers.Count;
        runtime.StartHousekeeping();

        // Leave the ring the moment shutdown begins, before the web server stops taking calls, so that the other
        // silos already route this silo's grains elsewhere while it drains.
        lifetime.ApplicationStopping.Register(() => _leaving = runtime.BeginLeaveAsync(CancellationToken.None));
        ActorsLog.Started(runtime.Logger, storage.Description, runtime.Registry.Classes.Count, timers);
    }

    /// <summary>Applies migrations, retrying with a log line while the database is not reachable yet.</summary>
    private async Task WaitForStorageAsync(CancellationToken cancellationToken)
    {
        var options = runtime.Options;
        var time = runtime.TimeProvider;
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                if (options.Storage.MigrateOnStart)
                {
                    await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (StorageUnavailableException exception) when (time.GetElapsedTime(started) + delay < options.StartupStorageTimeout)
            {
                ActorsLog.WaitingForStorage(runtime.Logger, storage.Description, exception.InnerException?.Message ?? exception.Message, delay, options.StartupStorageTimeout);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Timers first: a deadline firing now would only re-activate a grain that is being put away. Its row
            // stays, so it fires after the next start (or on the silo that takes the grain over).
            await runtime.Timers.DisposeAsync().ConfigureAwait(false);

            // In a cluster: leave the ring (begun when shutdown began), so new calls go to the other silos while this one drains.
            await _leaving.ConfigureAwait(false);
            await runtime.BeginLeaveAsync(cancellationToken).ConfigureAwait(false);
            await runtime.DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            if (runtime.Membership is { } membership)
            {
                await membership.CompleteLeaveAsync(CancellationToken.None).ConfigureAwait(false);
                await membership.DisposeAsync().ConfigureAwait(false);
            }

            await storage.DisposeAsync().ConfigureAwait(false);
        }
    }
}
