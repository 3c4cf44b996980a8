namespace CityBrain.Storage.Internal;

/// <summary>Fails storage calls fast while the database is known to be down: after a connection failure, calls within
/// <c>retryAfter</c> fail at once with the last error; the first call after it tries the database again, and a success
/// closes the circuit.</summary>
internal sealed class StorageCircuit(TimeProvider time, TimeSpan retryAfter, string description)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private string? _lastError;
    private TaskCompletionSource? _closed;
    private TaskCompletionSource _opened = NewSignal();

    /// <summary>The last connection failure, until a success resets it; null while the database answers.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>While the circuit is open, a task that completes when a success closes it (the database is back);
    /// null while it is closed. Read once, so that "is it open" and "what to wait for" are one answer. Retry loops wait
    /// on it beside their delay, so that what failed during an outage is tried again as soon as the database answers.</summary>
    public Task? WhenClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed?.Task;
            }
        }
    }

    /// <summary>A task that completes when a failure opens the circuit (at once while it is open). The store's probe waits
    /// on it beside its interval, so that an outage a call ran into is probed for at the outage pace from its start, not
    /// after the probe's next regular turn.</summary>
    public Task WhenOpened
    {
        get
        {
            lock (_lock)
            {
                return _opened.Task;
            }
        }
    }

    public void ThrowIfOpen()
    {
        if (Volatile.Read(ref _lastError) is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_lastError is not null && time.GetUtcNow() < _openUntil)
            {
                throw new StorageUnavailableException(
                    $"{description} is unavailable ({_lastError}); failing fast until {_openUntil:HH:mm:ss.fff} UTC, then reconnecting.");
            }
        }
    }

    public StorageUnavailableException Trip(Exception cause)
    {
        lock (_lock)
        {
            _lastError = cause.Message;
            _openUntil = time.GetUtcNow() + retryAfter;
            _closed ??= NewSignal();
            _opened.TrySetResult(); // in the lock, so a concurrent reset cannot be undone; continuations run elsewhere
        }

        return new StorageUnavailableException($"{description} is unavailable: {cause.Message}", cause);
    }

    public void Reset()
    {
        if (Volatile.Read(ref _lastError) is null)
        {
            return;
        }

        TaskCompletionSource? closed;
        lock (_lock)
        {
            _lastError = null;
            (closed, _closed) = (_closed, null);
            if (_opened.Task.IsCompleted)
            {
                _opened = NewSignal();
            }
        }

        closed?.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
