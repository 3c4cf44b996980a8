using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CityBrain.Actors.Storage.Sql;

internal sealed class SqliteDialect : SqlDialect
{
    public override string Name => "SQLite";

    public override string MigrationSuffix => "sqlite";

    // SQLite has one writer; more batches would only wait for its lock.
    public override int MaxConcurrentBatches => 1;

    // The migration transaction is BEGIN IMMEDIATE, which already takes the write lock.
    public override string MigrationLockSql => "SELECT 1";

    public override DbDataSource CreateDataSource(string connectionString, string applicationName, out string description)
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

    public override string FeedOrderLockSql => "SELECT 1";

    public override object ToDb(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal)
    {
        var microseconds = reader.GetInt64(ordinal);
        return DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
    }

    public override bool IsUnavailable(Exception exception) => exception is SqliteException sqlite
        && sqlite.SqliteErrorCode is 5 /* BUSY */ or 6 /* LOCKED */ or 10 /* IOERR */ or 13 /* FULL */ or 14 /* CANTOPEN */;

    public override void ClearPool(DbDataSource dataSource) => SqliteConnection.ClearAllPools();
}
