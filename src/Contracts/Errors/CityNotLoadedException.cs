namespace CityBrain.Contracts;

/// <summary>No city definition is loaded yet, so events cannot be routed. Maps to FAILED_PRECONDITION.</summary>
public sealed class CityNotLoadedException()
    : CityBrainException("No city definition is loaded; load one through Admin (or configure CityBrain:CityFile) first.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.FailedPrecondition;
}
