namespace CityBrain.Contracts;

/// <summary>
/// Base of every refusal by the city grains. A refusal changes nothing: it is raised before any event is
/// recorded. <see cref="Kind"/> tells the gateway which gRPC status to answer with.
/// </summary>
/// <remarks>Serializable by Orleans, so a refusal crosses grain calls with its type, message and properties.</remarks>
[GenerateSerializer]
public abstract class CityBrainException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected CityBrainException(string message)
        : base(message)
    {
    }

    /// <summary>The class of refusal.</summary>
    public abstract ErrorKind Kind { get; }
}
