namespace CityBrain.Storage.Internal;

/// <summary>Fails storage calls fast while the database is known to be down: after a connection failure, calls within
/// <c>retryAfter</c> fail at once with the last error; the first call after it tries the database again, and a success
/// closes the circuit.</summary>
internal sealed class StorageCircuit(TimeProvider time, TimeSpan retryAfter, string description)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private string? _lastError;

    /// <summary>The last connection failure, until a success resets it; null while the database answers.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

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
        }

        return new StorageUnavailableException($"{description} is unavailable: {cause.Message}", cause);
    }

    public void Reset()
    {
        if (Volatile.Read(ref _lastError) is null)
        {
            return;
        }

        lock (_lock)
        {
            _lastError = null;
        }
    }
}
