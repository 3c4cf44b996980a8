using CityBrain.Actors.Hosting;

namespace CityBrain.Actors.Cluster;

/// <summary>The membership as the rest of the process sees it; a single silo is its own one-member cluster.</summary>
internal sealed class ClusterMembership(GrainRuntime runtime) : IClusterMembership
{
    public bool IsActive => runtime.Membership?.IsActive ?? runtime.IsStarted;

    public string SiloId => runtime.Membership?.SiloId ?? "local";

    public long ViewVersion => runtime.Membership?.ViewVersion ?? 0;

    public IReadOnlyList<SiloInfo> Silos => runtime.Membership?.Silos ?? [];

    public event Action? ViewChanged
    {
        add
        {
            if (runtime.Membership is { } membership)
            {
                membership.ViewChanged += value;
            }
        }

        remove
        {
            if (runtime.Membership is { } membership)
            {
                membership.ViewChanged -= value;
            }
        }
    }
}
