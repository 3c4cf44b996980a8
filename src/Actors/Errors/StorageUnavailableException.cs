namespace CityBrain.Actors;

/// <summary>The grain storage database cannot be reached. Calls that need storage fail fast with this error
/// until the database answers again; the runtime reconnects by itself.</summary>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
