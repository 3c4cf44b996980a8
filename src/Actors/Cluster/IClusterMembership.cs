namespace CityBrain.Actors;

/// <summary>This silo's view of the cluster.</summary>
public interface IClusterMembership
{
    /// <summary>True once this silo is an active member (always true for a single silo without clustering).</summary>
    bool IsActive { get; }

    /// <summary>This silo's id (<c>address@generation</c>), or "local" without clustering.</summary>
    string SiloId { get; }

    /// <summary>The version of the current view.</summary>
    long ViewVersion { get; }

    /// <summary>Every silo in the current view, including dead ones still listed.</summary>
    IReadOnlyList<SiloInfo> Silos { get; }

    /// <summary>Raised after a new view was applied (activations and timers moved).</summary>
    event Action? ViewChanged;
}
