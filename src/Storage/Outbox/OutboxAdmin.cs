using CityBrain.Storage.Journal;

namespace CityBrain.Storage;

/// <summary>What an administrator does with outbox messages: list them (dead letters above all), send a dead letter
/// again, or discard it. Registered in the silo's container by <c>AddCityBrainStorage</c>.</summary>
public sealed class OutboxAdmin
{
    private readonly JournalStore _store;
    private readonly TimeProvider _time;

    internal OutboxAdmin(JournalStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Up to <paramref name="maxCount"/> messages in <paramref name="state"/> after sequence
    /// <paramref name="afterSequence"/>, oldest first (page with the last one's <see cref="OutboxRecord.Sequence"/>).</summary>
    public Task<IReadOnlyList<OutboxRecord>> ListAsync(OutboxState state = OutboxState.Dead, long afterSequence = 0, int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 1000);
        return _store.ReadOutboxAsync(state, afterSequence, maxCount, cancellationToken);
    }

    /// <summary>One message by id, or null.</summary>
    public Task<OutboxRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _store.ReadOutboxAsync(id, cancellationToken);
    }

    /// <summary>Makes a dead letter pending again, due now, with its attempts counted afresh and the same id; false when
    /// <paramref name="id"/> is not a dead letter.</summary>
    public Task<bool> RetryAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _store.RetryOutboxAsync(id, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Discards a dead letter: never delivered, and the later messages of its ordering key go on; false when
    /// <paramref name="id"/> is not a dead letter.</summary>
    public Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _store.DiscardOutboxAsync(id, cancellationToken);
    }
}
