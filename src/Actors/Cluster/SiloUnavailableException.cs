namespace CityBrain.Actors;

/// <summary>This silo cannot serve the call right now: it lost its membership lease (self-fenced), is leaving
/// the cluster, or no silo owning the grain could be reached. When fenced or leaving nothing was executed; after a
/// lost connection the call may or may not have run. Retry on another silo (intake is idempotent by source event id).</summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
