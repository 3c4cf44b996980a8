namespace CityBrain.Actors;

/// <summary>Which database holds grain state, journals and timers.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file (single silo).</summary>
    Sqlite,

    /// <summary>PostgreSQL (one or many silos).</summary>
    Postgres,
}

/// <summary>Grain storage settings.</summary>
public sealed class StorageOptions
{
    /// <summary>The database kind. Default: SQLite.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>ADO.NET connection string. Default: <c>Data Source=data/citybrain.db</c>.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/citybrain.db";

    /// <summary>Most writes committed in one group-commit transaction. Default 1024.</summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>How long calls fail fast after the database was found unreachable, before it is tried again. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Apply pending schema migrations at start-up. Default true.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
