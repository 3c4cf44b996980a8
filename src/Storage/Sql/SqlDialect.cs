using System.Data.Common;

namespace CityBrain.Storage.Sql;

/// <summary>What differs between the databases behind the store: connection set-up, time representation, locking,
/// bulk statements and error classification. Statements both speak (<c>ON CONFLICT</c>) are in <see cref="SqlText"/>.</summary>
internal abstract class SqlDialect
{
    public static SqlDialect For(DatabaseKind kind) => kind == DatabaseKind.Postgres ? new PostgresDialect() : new SqliteDialect();

    public abstract DatabaseKind Kind { get; }

    /// <summary>"PostgreSQL" or "SQLite".</summary>
    public abstract string Name { get; }

    /// <summary>How many commit batches may run at once.</summary>
    public abstract int MaxConcurrentBatches { get; }

    /// <summary>The ADO.NET invariant name the Orleans providers load this database's driver by.</summary>
    public abstract string OrleansInvariant { get; }

    /// <summary>Creates the data source and describes where it points, without the password; its pool holds at most
    /// <paramref name="maxPoolSize"/> connections unless the connection string says otherwise (where the database has a
    /// limit worth keeping).</summary>
    public abstract DbDataSource CreateDataSource(string connectionString, string applicationName, int maxPoolSize, out string description);

    /// <summary>One row: the server's connection limit, its reserved slots, the client connections now, and the silos
    /// active in Orleans' membership table; null where the database has no connection limit (SQLite).</summary>
    public virtual string? ConnectionLimitsSql => null;

    /// <summary>The pool size the connection string sets itself, if it does (an operator's word over ours).</summary>
    public virtual int? PoolSizeIn(string connectionString) => null;

    /// <summary>Runs on every connection opened for writing (e.g. durability pragmas).</summary>
    public virtual Task PrepareWriteConnectionAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Run first inside the schema transaction, so two processes never migrate at once.</summary>
    public abstract string SchemaLockSql { get; }

    /// <summary>Run before the feed inserts of a commit, and held to its end, so positions become visible in order.</summary>
    public abstract string FeedOrderLockSql { get; }

    /// <summary>Loads the snapshots, then the events after them, of many journals at once (arrays @t, @k); null when
    /// the database has no array parameters.</summary>
    public virtual string? ReadJournalsBatchSql => null;

    /// <summary>Inserts journal events given as arrays (@t, @k, @q, @s, @f, @p, @u), skipping those present, and returns
    /// (grain_type, grain_key, seq) of each row inserted; null when the database has no array parameters.</summary>
    public virtual string? BulkInsertEventsSql => null;

    /// <summary>Inserts feed entries given as arrays, positions in array order; null without array parameters.</summary>
    public virtual string? BulkInsertFeedSql => null;

    /// <summary>Inserts outbox messages given as arrays (@i, @b, @o, @h, @t, @k, @p, @u), sequence in array order, an id
    /// already stored kept once; null without array parameters.</summary>
    public virtual string? BulkInsertOutboxSql => null;

    /// <summary>Marks outbox messages delivered given as arrays (@i ids, @a attempts, @u times), those still pending only;
    /// null without array parameters.</summary>
    public virtual string? BulkMarkOutboxDeliveredSql => null;

    public abstract object ToDb(DateTimeOffset time);

    /// <summary>Times as one array parameter, for the bulk statements.</summary>
    public virtual object ToDbArray(DateTimeOffset[] times) => throw new NotSupportedException($"{Name} has no array parameters.");

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>True when the exception means the database cannot be reached (as opposed to a bad statement).</summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>True for a transaction that lost a lock race and may simply be run again.</summary>
    public virtual bool IsRetryable(Exception exception) => false;

    /// <summary>Drops pooled connections after the database went away, so the next use reconnects.</summary>
    public abstract void ClearPool(DbDataSource dataSource);
}
