using CityBrain.Storage.Schema;
using CityBrain.Storage.Sql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Storage;

/// <summary>The schema a silo needs (the Orleans ADO.NET providers' tables and ours), applied idempotently.</summary>
public static class DatabaseSchema
{
    /// <summary>Applies the scripts the database lacks, in one transaction under a lock; returns how many were applied.</summary>
    /// <exception cref="SchemaException">The database holds a newer schema than this build.</exception>
    public static async Task<int> MigrateAsync(DatabaseKind kind, string connectionString, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var dialect = SqlDialect.For(kind);
        await using var dataSource = dialect.CreateDataSource(connectionString, "citybrain-migrate", 2, out _);
        return await new SchemaMigrator(dialect, dataSource, time ?? TimeProvider.System, logger ?? NullLogger.Instance)
            .ApplyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The connection string with the settings every CityBrain connection uses unless it says otherwise (for
    /// PostgreSQL: a short connect timeout, automatic statement preparation, no session reset on return to the pool, and a
    /// pool of at most <paramref name="maxPoolSize"/>, one of <see cref="ConnectionBudget"/>'s).</summary>
    public static string TunedConnectionString(DatabaseKind kind, string connectionString, string applicationName, int maxPoolSize) =>
        kind == DatabaseKind.Postgres ? PostgresDialect.Tune(connectionString, applicationName, maxPoolSize) : connectionString;

    /// <summary>The ADO.NET invariant name under which the Orleans providers load the driver for <paramref name="kind"/>.</summary>
    public static string OrleansInvariant(DatabaseKind kind) => SqlDialect.For(kind).OrleansInvariant;
}
