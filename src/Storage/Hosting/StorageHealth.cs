using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Storage;

/// <summary>
/// Whether the database answers: the journal store's own view (a connection failure of any call marks it unreachable,
/// a success reachable again), kept fresh by a probe every <see cref="StorageOptions.ProbeInterval"/> (every
/// <see cref="StorageOptions.OutageProbeInterval"/> while it is unreachable, from the first call that finds it so) so that
/// it also recovers, and is noticed, while no call reaches the database (a silo that is not ready receives none). The
/// silo's readiness reads it; the deadline and outbox shards retry as soon as it recovers.
/// </summary>
public sealed class StorageHealth : BackgroundService
{
    private readonly JournalStore _store;
    private readonly StorageOptions _options;
    private readonly BackgroundClock _clock;
    private readonly ILogger<StorageHealth> _logger;

    internal StorageHealth(JournalStore store, IOptions<StorageOptions> options, BackgroundClock clock, ILogger<StorageHealth> logger)
    {
        _store = store;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Why the database is unreachable now (the last connection failure), or null while it answers.</summary>
    public string? UnreachableReason => _store.UnreachableReason;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var time = _clock.Time;
        long? unreachableSince = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            await _store.ProbeAsync(_options.ProbeTimeout, stoppingToken).ConfigureAwait(false);
            if (UnreachableReason is { } reason)
            {
                if (unreachableSince is null)
                {
                    unreachableSince = time.GetTimestamp();
                    StorageLog.DatabaseUnreachable(_logger, reason);
                }
            }
            else if (unreachableSince is { } since)
            {
                StorageLog.DatabaseReachable(_logger, time.GetElapsedTime(since));
                unreachableSince = null;
            }

            try
            {
                // While the database answers, the next probe comes after the regular interval, or as soon as a call finds
                // it unreachable (then at the outage pace at most): a short outage that calls ran into is probed from its
                // start, and its end noticed within the outage interval, not up to a whole regular interval later.
                var next = unreachableSince is null
                    ? _clock.WaitAsync(_store.WhenUnreachable, _options.ProbeInterval, _options.OutageProbeInterval, stoppingToken)
                    : Task.Delay(_options.OutageProbeInterval, time, stoppingToken);
                await next.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
