using Microsoft.Extensions.Options;

namespace CityBrain.Actors.Hosting;

/// <summary>Stops start-up with a clear message when a setting cannot work.</summary>
internal sealed class ActorRuntimeOptionsValidator : IValidateOptions<ActorRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, ActorRuntimeOptions options)
    {
        var errors = new List<string>();
        Positive(errors, nameof(options.ResponseTimeout), options.ResponseTimeout);
        Positive(errors, nameof(options.CollectionAge), options.CollectionAge);
        Positive(errors, nameof(options.CollectionQuantum), options.CollectionQuantum);
        Positive(errors, nameof(options.HousekeepingInterval), options.HousekeepingInterval);
        Positive(errors, nameof(options.TurnQuantum), options.TurnQuantum);
        Positive(errors, nameof(options.ActivationTimeout), options.ActivationTimeout);
        Positive(errors, nameof(options.DeactivationTimeout), options.DeactivationTimeout);
        Positive(errors, "Timers.RetryDelay", options.Timers.RetryDelay);
        if (options.HousekeepingInterval > options.ResponseTimeout)
        {
            errors.Add($"HousekeepingInterval ({options.HousekeepingInterval}) must not exceed ResponseTimeout ({options.ResponseTimeout}).");
        }

        if (options.MaxWorkItemsPerQuantum < 1)
        {
            errors.Add("MaxWorkItemsPerQuantum must be at least 1.");
        }

        if (options.Storage.MaxBatchSize is < 1 or > 100_000)
        {
            errors.Add("Storage.MaxBatchSize must be between 1 and 100000.");
        }

        if (string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
        {
            errors.Add("Storage.ConnectionString is required.");
        }

        if (options.Timers.MaxConcurrentDeliveries < 1)
        {
            errors.Add("Timers.MaxConcurrentDeliveries must be at least 1.");
        }

        var cluster = options.Cluster;
        if (cluster.Enabled)
        {
            if (options.Storage.Provider != StorageProvider.Postgres)
            {
                errors.Add("Cluster.Enabled needs Storage.Provider = Postgres: silos share one PostgreSQL database.");
            }

            if (!Uri.TryCreate(cluster.SiloAddress, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https") || address.Port <= 0)
            {
                errors.Add($"Cluster.SiloAddress must be the absolute http(s) URL, with port, at which other silos reach this one (was '{cluster.SiloAddress}').");
            }

            Positive(errors, "Cluster.HeartbeatInterval", cluster.HeartbeatInterval);
            if (cluster.LeaseDuration < cluster.HeartbeatInterval * 3)
            {
                errors.Add($"Cluster.LeaseDuration ({cluster.LeaseDuration}) must be at least three heartbeat intervals ({cluster.HeartbeatInterval}).");
            }

            if (cluster.VirtualNodes is < 1 or > 4096)
            {
                errors.Add("Cluster.VirtualNodes must be between 1 and 4096.");
            }

            if (cluster.MaxForwardAttempts < 1)
            {
                errors.Add("Cluster.MaxForwardAttempts must be at least 1.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => "Actors: " + e));
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive (was {value}).");
        }
    }
}
