using System.Data.Common;

namespace CityBrain.Actors.Storage.Sql;

/// <summary>What differs between the databases behind <see cref="SqlGrainStorage"/>: connection set-up, time
/// representation, migration locking and error classification. The statements themselves are shared.</summary>
internal abstract class SqlDialect
{
    /// <summary>"PostgreSQL" or "SQLite".</summary>
    public abstract string Name { get; }

    /// <summary>The suffix of this dialect's migration files (<c>0001_initial.postgres.sql</c>).</summary>
    public abstract string MigrationSuffix { get; }

    /// <summary>How many batches may be committing at once.</summary>
    public abstract int MaxConcurrentBatches { get; }

    /// <summary>Creates the data source and describes where it points, without the password.</summary>
    public abstract DbDataSource CreateDataSource(string connectionString, string applicationName, out string description);

    /// <summary>Runs once on every connection opened for writing (e.g. durability pragmas).</summary>
    public virtual Task PrepareWriteConnectionAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Statement run first inside the migration transaction to keep two processes from migrating at once.</summary>
    public abstract string MigrationLockSql { get; }

    /// <summary>Statement run before feed inserts so that positions are handed out in commit order.</summary>
    public abstract string FeedOrderLockSql { get; }

    /// <summary>Loads the state rows of many grains at once (parameters @t and @k: arrays of types and keys), or
    /// null when the database has no array parameters (each grain is then read on its own).</summary>
    public virtual string? ReadStatesBatchSql => null;

    /// <summary>Loads snapshots, then the events after them, of many grains at once; or null.</summary>
    public virtual string? ReadJournalsBatchSql => null;

    /// <summary>Inserts journal events given as arrays (@t, @k, @q, @s, @f, @p, @u), skipping those already present,
    /// and returns (grain_type, grain_key, seq) of each row inserted; or null when the database has no array
    /// parameters (each event is then its own statement).</summary>
    public virtual string? BulkInsertEventsSql => null;

    /// <summary>Upserts timers given as arrays (@t, @k, @n, @d, @m, @h), each at most once; or null.</summary>
    public virtual string? BulkUpsertTimersSql => null;

    /// <summary>Inserts feed entries given as arrays (@n, @t, @k, @s, @f, @p, @u), positions in array order; or null.</summary>
    public virtual string? BulkInsertFeedSql => null;

    public abstract object ToDb(DateTimeOffset time);

    /// <summary>Times as one array parameter, for the bulk statements.</summary>
    public virtual object ToDbArray(DateTimeOffset[] times) =>
        throw new NotSupportedException($"{Name} has no array parameters.");

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>True when the exception means the database cannot be reached (as opposed to a bad statement).</summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>Drops pooled connections after the database went away, so the next use reconnects.</summary>
    public abstract void ClearPool(DbDataSource dataSource);
}
