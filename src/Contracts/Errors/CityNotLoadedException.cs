namespace CityBrain.Contracts;

/// <summary>No city definition is loaded yet, so events cannot be routed. Maps to FAILED_PRECONDITION.</summary>
[GenerateSerializer]
[Alias("citybrain.CityNotLoadedException")]
public sealed class CityNotLoadedException : CityBrainException
{
    /// <summary>Creates the exception.</summary>
    public CityNotLoadedException()
        : base("No city definition is loaded; load one through Admin (or configure CityBrain:CityFile) first.")
    {
    }

    /// <summary>Re-creates the exception from its message (the runtime does this for a refusal raised on another silo).</summary>
    public CityNotLoadedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.FailedPrecondition;
}
