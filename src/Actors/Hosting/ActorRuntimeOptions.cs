namespace CityBrain.Actors;

/// <summary>Actor runtime settings. Validated at start-up.</summary>
public sealed class ActorRuntimeOptions
{
    /// <summary>How long a call may wait for its response before it fails with <see cref="GrainCallTimeoutException"/>.
    /// A method may override it with <see cref="ResponseTimeoutAttribute"/>. Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation idle this long is deactivated. Default 15 min.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default 1 min.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Resolution of response timeouts: the runtime's coarse clock ticks this often. Default 1 s.</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An activation gives up its thread after running this long, so others get their turn. Default 10 ms.</summary>
    public TimeSpan TurnQuantum { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>An activation gives up its thread after this many work items, whatever the time. Default 128.</summary>
    public int MaxWorkItemsPerQuantum { get; set; } = 128;

    /// <summary>Limit for loading state and OnActivateAsync. Default 30 s.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for OnDeactivateAsync. Default 30 s.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up keeps retrying an unreachable database before giving up. Default 2 min.</summary>
    public TimeSpan StartupStorageTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Grain storage.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Reminders and deadlines.</summary>
    public TimerOptions Timers { get; set; } = new();

    /// <summary>Multi-silo clustering (PostgreSQL only).</summary>
    public ClusterOptions Cluster { get; set; } = new();
}
