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
            _closed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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
        }

        closed?.TrySetResult();
    }
}
