namespace CityBrain.Storage;

/// <summary>Where the journal store and the Orleans ADO.NET providers keep their data (configuration section
/// <c>CityBrain:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CityBrain:Storage";

    /// <summary>The database kind. Default: SQLite (embedded, one silo).</summary>
    public DatabaseKind Database { get; set; } = DatabaseKind.Sqlite;

    /// <summary>ADO.NET connection string. Default: <c>Data Source=data/citybrain.db</c>.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/citybrain.db";

    /// <summary>Most appends committed in one group-commit transaction. Default 1024.</summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>How long calls fail fast after the database was found unreachable, before it is tried again. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a feed reader looks for rows written on other silos (rows written on its own silo wake it at
    /// once). Default 250 ms.</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The least time between two reads of one feed reader that is caught up (a deadline shard, the view
    /// projector, a watch): under heavy intake every commit wakes every reader, so without it each would query the
    /// database once per commit. Default 50 ms.</summary>
    public TimeSpan FeedReadInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often a deadline shard stores its pending deadlines, so that a new activation replays at most this much
    /// of the feed. Default 30 s.</summary>
    public TimeSpan DeadlineCheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the silo asks the database a trivial question, so that its readiness says when the database is
    /// unreachable even while no call reaches it. Default 2 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the probe asks while the database is unreachable, so that the silo notices within this much
    /// that it is back (and fires at once what the outage held up). Default 250 ms.</summary>
    public TimeSpan OutageProbeInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a probe waits for the database's answer before calling it unreachable. Default 5 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most connections the journal store uses at once on this silo (5 to 1000): its commit and load
    /// loops keep 4, the other calls share the rest and wait in the store when all are busy. With its probe's
    /// and Orleans' pools a silo holds up to this + 13 on PostgreSQL (<see cref="ConnectionBudget"/>), and the silos
    /// together must stay under the server's <c>max_connections</c>: the silo says at start whether they do. Default 16
    /// (with Npgsql's default pool of 100, the journal stores of the outbox-kill benchmark's close run peaked at 108 connections
    /// over three silos and 124 over the two left after the kill; with 16, at 48 and 32, for the same throughput).</summary>
    public int MaxConnections { get; set; } = 16;

    /// <summary>Apply pending schema scripts when the silo starts. Default true.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
