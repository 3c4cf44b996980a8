namespace CityBrain.Storage;

/// <summary>The database cannot be reached; nothing was written. Calls fail fast for a moment after a failure, then
/// the store tries again by itself. Callers may retry (the gateway answers UNAVAILABLE).</summary>
[GenerateSerializer]
[Alias("CityBrain.Storage.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause (kept in this process only).</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
