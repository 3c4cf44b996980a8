using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CityBrain.Storage.Sql;

internal sealed class SqliteDialect : SqlDialect
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override string Name => "SQLite";

    // SQLite has one writer; more batches would only wait for its lock.
    public override int MaxConcurrentBatches => 1;

    // Orleans maps this invariant to Microsoft.Data.Sqlite.
    public override string OrleansInvariant => "System.Data.SQLite";

    // The schema transaction is BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default for writes), which takes the write lock.
    public override string SchemaLockSql => "SELECT 1";

    // One writer: positions (AUTOINCREMENT) are handed out in commit order already.
    public override string FeedOrderLockSql => "SELECT 1";

    // SQLite has no server to run out of connections: the pool is unbounded, the store's gate still applies.
    public override DbDataSource CreateDataSource(string connectionString, string applicationName, int maxPoolSize, out string description)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 10;
        }

        builder.Pooling = true;
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        description = $"SQLite {builder.DataSource}";
        return SqliteFactory.Instance.CreateDataSource(builder.ConnectionString);
    }

    public override async Task PrepareWriteConnectionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        // WAL lets readers proceed during a commit; synchronous=FULL makes each commit durable.
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Microseconds since the Unix epoch, UTC.
    public override object ToDb(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(ordinal) * 10);

    public override bool IsUnavailable(Exception exception) => exception is SqliteException sqlite
        && sqlite.SqliteErrorCode is 5 /* BUSY */ or 6 /* LOCKED */ or 10 /* IOERR */ or 13 /* FULL */ or 14 /* CANTOPEN */;

    public override void ClearPool(DbDataSource dataSource) => SqliteConnection.ClearAllPools();
}
