using CityBrain.Storage.Journal;

namespace CityBrain.Storage;

/// <summary>What an administrator does with outbox messages: list them (dead letters above all), send a dead letter
/// again, or discard it. Registered in the silo's container by <c>AddCityBrainStorage</c>; <see cref="Open"/> gives one
/// on a database without a silo (the <c>citybrain outbox</c> command).</summary>
public sealed class OutboxAdmin : IAsyncDisposable
{
    private readonly JournalStore _store;
    private readonly TimeProvider _time;
    private readonly bool _ownsStore;

    internal OutboxAdmin(JournalStore store, TimeProvider time, bool ownsStore = false)
    {
        _store = store;
        _time = time;
        _ownsStore = ownsStore;
    }

    /// <summary>The outbox of the database <paramref name="options"/> names, outside any silo (dispose it when done). A
    /// retried message goes out at the next poll of the silo whose shard owns it.</summary>
    public static OutboxAdmin Open(StorageOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        return new OutboxAdmin(new JournalStore(options, new BackgroundClock(time), Microsoft.Extensions.Logging.Abstractions.NullLogger<JournalStore>.Instance), time, ownsStore: true);
    }

    /// <summary>Closes the database connections of an admin from <see cref="Open"/>; nothing for the silo's.</summary>
    public ValueTask DisposeAsync() => _ownsStore ? _store.DisposeAsync() : ValueTask.CompletedTask;

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

    /// <summary>Why <paramref name="action"/> (retry, discard) changed nothing for <paramref name="current"/>: it is not a
    /// dead letter.</summary>
    public static string NotADeadLetter(OutboxRecord current, string action)
    {
        ArgumentNullException.ThrowIfNull(current);
        return $"Outbox message {current.Id} is {current.State.ToString().ToLowerInvariant()}, not a dead letter: nothing to {action}.";
    }

    /// <summary>Discards a dead letter: never delivered, and the later messages of its ordering key go on; false when
    /// <paramref name="id"/> is not a dead letter.</summary>
    public Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _store.DiscardOutboxAsync(id, _time.GetUtcNow(), cancellationToken);
    }
}
