namespace CityBrain.Actors;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>No reason given.</summary>
    None,

    /// <summary>It was idle longer than the collection age.</summary>
    Idle,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    Requested,

    /// <summary>A storage write found a newer version: this activation's state is stale.</summary>
    StorageConflict,

    /// <summary>The silo is shutting down.</summary>
    Shutdown,

    /// <summary>The grain is now owned by another silo.</summary>
    Rebalanced,
}
