using System.Data.Common;
using CityBrain.Actors.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Actors.Storage.Sql;

/// <summary>Applies pending migration scripts in one transaction, under a lock so that silos starting together
/// do not race. Idempotent: applied scripts are recorded and skipped. A database whose schema is newer than this
/// build is refused with a clear error.</summary>
internal sealed class MigrationRunner(SqlDialect dialect, DbDataSource dataSource, IReadOnlyList<MigrationSet> sets, TimeProvider time, ILogger logger)
{
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, dialect.MigrationLockSql, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, SqlText.CreateMigrationTable, cancellationToken).ConfigureAwait(false);

        var applied = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT component, version FROM cb_migration";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var component = reader.GetString(0);
                if (!applied.TryGetValue(component, out var versions))
                {
                    applied[component] = versions = [];
                }

                versions.Add(reader.GetInt32(1));
            }
        }

        var count = 0;
        foreach (var set in sets)
        {
            var scripts = set.Scripts(dialect.MigrationSuffix);
            var known = scripts.Count == 0 ? 0 : scripts[^1].Version;
            var done = applied.GetValueOrDefault(set.Component) ?? [];
            var newest = done.Count == 0 ? 0 : done.Max();
            if (newest > known)
            {
                throw new StateSchemaException(
                    $"The database schema of component '{set.Component}' is at version {newest}, newer than this build knows ({known}). Run a newer CityBrain against it; nothing was changed.");
            }

            foreach (var (version, description, resource) in scripts)
            {
                if (done.Contains(version))
                {
                    continue;
                }

                await ExecuteAsync(connection, transaction, set.ReadScript(resource), cancellationToken).ConfigureAwait(false);
                var record = connection.CreateCommand();
                await using var recordScope = record.ConfigureAwait(false);
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO cb_migration (component, version, description, applied_at) VALUES (@c, @v, @d, @a)";
                SqlText.Add(record, "c", set.Component);
                SqlText.Add(record, "v", version);
                SqlText.Add(record, "d", description);
                SqlText.Add(record, "a", time.GetUtcNow().ToString("O"));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ActorsLog.MigrationApplied(logger, set.Component, version, description, dialect.Name);
                count++;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
