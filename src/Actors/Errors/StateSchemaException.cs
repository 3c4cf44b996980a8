namespace CityBrain.Actors;

/// <summary>A stored state, journal or snapshot row cannot be read by this build: it was written with a newer
/// schema version, or its payload does not decode. Nothing is changed; the grain does not activate.</summary>
public sealed class StateSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateSchemaException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
