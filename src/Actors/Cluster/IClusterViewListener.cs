namespace CityBrain.Actors.Cluster;

/// <summary>What the membership service tells the runtime.</summary>
internal interface IClusterViewListener
{
    /// <summary>Live activations, reported with each heartbeat.</summary>
    int ActivationCount { get; }

    /// <summary>A new view: move activations and timers to their owners.</summary>
    Task OnViewChangedAsync(ClusterView view, CancellationToken cancellationToken);

    /// <summary>This silo stopped (or resumed) serving grains because of its lease.</summary>
    void OnFencingChanged(bool fenced);

    /// <summary>The cluster declared this silo dead.</summary>
    void OnDeclaredDead();
}
