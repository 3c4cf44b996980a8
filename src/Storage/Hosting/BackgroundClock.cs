using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Storage;

/// <summary>
/// The clock of background loops (feed polling, keeping grains active, retries, the fail-fast window after a database
/// failure), apart from the grains' clock: tests that drive the grains' <see cref="TimeProvider"/> by hand keep these
/// loops on real time (Orleans' <c>UseTimeProviderForBackgroundAreas</c> answers every keyed area, this one included).
/// Without such an override it is the silo's <see cref="TimeProvider"/>.
/// </summary>
public sealed class BackgroundClock(TimeProvider time)
{
    /// <summary>The clock itself (the store's circuit breaker reads it too).</summary>
    public TimeProvider Time => time;

    /// <summary>The keyed-service name under which a test may register another clock for these loops.</summary>
    public const string Key = "CityBrain.Background";

    /// <summary>The keyed clock, else the silo's.</summary>
    public static BackgroundClock Create(IServiceProvider services) =>
        new(services.GetKeyedService<TimeProvider>(Key) ?? services.GetRequiredService<TimeProvider>());

    /// <summary>Waits until <paramref name="signal"/> completes or <paramref name="interval"/> passes, and in any case
    /// until <paramref name="minimum"/> has passed since the call (so a loop that waits this way runs at most once per
    /// <paramref name="minimum"/>, however often the signal comes).</summary>
    public async Task WaitAsync(Task signal, TimeSpan interval, TimeSpan minimum, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var delay = Task.Delay(interval, time, timeout.Token);
            await Task.WhenAny(signal, delay).ConfigureAwait(true);
            await timeout.CancelAsync().ConfigureAwait(true);
        }

        var rest = minimum - time.GetElapsedTime(started);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, time, cancellationToken).ConfigureAwait(true);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The wait of a retry: <paramref name="delay"/>, or less if <paramref name="sooner"/> (when given) completes
    /// first, e.g. the database answering again after an outage.</summary>
    public Task RetryDelayAsync(TimeSpan delay, Task? sooner, CancellationToken cancellationToken) => sooner is null
        ? DelayAsync(delay, cancellationToken)
        : WaitAsync(sooner, delay, TimeSpan.Zero, cancellationToken);

    /// <summary>A delay on this clock.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, time, cancellationToken);
}
