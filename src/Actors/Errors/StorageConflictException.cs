namespace CityBrain.Actors;

/// <summary>A write carried a stale version: another activation (or an earlier write) changed the stored state.
/// The write changed nothing and the activation that attempted it is deactivated, so the next call reloads.</summary>
public sealed class StorageConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageConflictException(GrainId grainId, string what, long expectedVersion)
        : base($"Version conflict on {what} of {grainId}: the write expected version {expectedVersion}, but the stored version differs. Nothing was written; the activation is deactivated.")
    {
        GrainId = grainId;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>Re-creates the exception from its message (e.g. after it crossed silos).</summary>
    public StorageConflictException(string message) : base(message)
    {
    }

    /// <summary>The grain whose write conflicted.</summary>
    public GrainId GrainId { get; }

    /// <summary>The version the write expected to find.</summary>
    public long ExpectedVersion { get; }
}
