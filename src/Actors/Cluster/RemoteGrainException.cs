namespace CityBrain.Actors;

/// <summary>A grain on another silo threw an exception whose type cannot be re-created here.</summary>
public sealed class RemoteGrainException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteGrainException(string originalType, string message, string? remoteStackTrace)
        : base(message)
    {
        OriginalType = originalType;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>Creates the exception.</summary>
    public RemoteGrainException(string message) : this("unknown", message, null)
    {
    }

    /// <summary>The type of the exception thrown on the other silo.</summary>
    public string OriginalType { get; }

    /// <summary>The stack trace on the other silo.</summary>
    public string? RemoteStackTrace { get; }
}
