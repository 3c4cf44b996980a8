using Microsoft.Extensions.Options;

namespace CityBrain.Storage;

/// <summary>Stops start-up on a storage setting that cannot work, naming the key.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Database))
        {
            errors.Add($"{StorageOptions.Section}:Database must be Sqlite or Postgres.");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{StorageOptions.Section}:ConnectionString is required.");
        }

        if (options.MaxBatchSize is < 1 or > 10_000)
        {
            errors.Add($"{StorageOptions.Section}:MaxBatchSize must be between 1 and 10000.");
        }

        if (options.RetryAfter <= TimeSpan.Zero || options.FeedPollInterval <= TimeSpan.Zero || options.DeadlineCheckpointInterval <= TimeSpan.Zero)
        {
            errors.Add($"{StorageOptions.Section}:RetryAfter, FeedPollInterval and DeadlineCheckpointInterval must be positive.");
        }

        if (options.ProbeInterval <= TimeSpan.Zero || options.OutageProbeInterval <= TimeSpan.Zero || options.ProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{StorageOptions.Section}:ProbeInterval, OutageProbeInterval and ProbeTimeout must be positive.");
        }

        if (options.FeedReadInterval < TimeSpan.Zero || options.FeedReadInterval > options.FeedPollInterval)
        {
            errors.Add($"{StorageOptions.Section}:FeedReadInterval must be between 0 and FeedPollInterval ({options.FeedPollInterval}).");
        }

        if (options.MaxConnections is < ConnectionBudget.MinStoreConnections or > 1000)
        {
            errors.Add($"{StorageOptions.Section}:MaxConnections must be between {ConnectionBudget.MinStoreConnections} and 1000 (the commit and load loops keep 4).");
        }
        else if (!string.IsNullOrWhiteSpace(options.ConnectionString) && Enum.IsDefined(options.Database)
            && Sql.SqlDialect.For(options.Database).PoolSizeIn(options.ConnectionString) is { } pool && pool <= ConnectionBudget.MinStoreConnections)
        {
            errors.Add($"{StorageOptions.Section}:ConnectionString sets a pool size of {pool}: it must be more than {ConnectionBudget.MinStoreConnections} "
                + "(the journal store's commit and load loops keep 4, its calls need at least 1, its health probe 1).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
