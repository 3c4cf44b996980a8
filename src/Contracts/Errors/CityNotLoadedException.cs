namespace CityBrain.Contracts;

/// <summary>No city definition is loaded yet, so events cannot be routed: the silo is not ready, not the caller
/// wrong. Maps to UNAVAILABLE (retry).</summary>
[GenerateSerializer]
[Alias("citybrain.CityNotLoadedException")]
public sealed class CityNotLoadedException : CityBrainException
{
    /// <summary>Creates the exception.</summary>
    public CityNotLoadedException()
        : base("No city definition is loaded yet; retry shortly (an operator loads one through Admin or CityBrain:CityFile).")
    {
    }

    /// <summary>Re-creates the exception from its message (the runtime does this for a refusal raised on another silo).</summary>
    public CityNotLoadedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Unavailable;
}
