using System.Data.Common;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Sql;
using Microsoft.Extensions.Logging;

namespace CityBrain.Storage.Schema;

/// <summary>
/// Applies the pending schema scripts of every component in one transaction, under a lock so that silos starting
/// together do not race. Idempotent: applied scripts are recorded in <c>cb_migration</c> and skipped. A database
/// whose schema is newer than this build is refused and left as it is.
/// </summary>
internal sealed class SchemaMigrator(SqlDialect dialect, DbDataSource dataSource, TimeProvider time, ILogger logger)
{
    private const string CreateMigrationTable =
        "CREATE TABLE IF NOT EXISTS cb_migration (component TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))";

    /// <summary>Applies what is missing; returns the number of scripts applied.</summary>
    /// <exception cref="SchemaException">The database holds a newer schema than this build knows.</exception>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, dialect.SchemaLockSql, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, CreateMigrationTable, cancellationToken).ConfigureAwait(false);
        var applied = await ReadAppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        var count = 0;
        foreach (var component in SchemaComponent.All)
        {
            var scripts = component.Scripts(dialect.Kind);
            var known = scripts.Count == 0 ? 0 : scripts[^1].Version;
            var done = applied.GetValueOrDefault(component.Name) ?? [];
            var newest = done.Count == 0 ? 0 : done.Max();
            if (newest > known)
            {
                throw new SchemaException(
                    $"The {dialect.Name} schema of component '{component.Name}' is at version {newest}, newer than this build knows ({known}). Run a newer CityBrain against it; nothing was changed.");
            }

            foreach (var script in scripts)
            {
                if (done.Contains(script.Version))
                {
                    continue;
                }

                await ExecuteAsync(connection, transaction, SchemaComponent.Read(script), cancellationToken).ConfigureAwait(false);
                var record = new StatementList.Statement("INSERT INTO cb_migration (component, version, description, applied_at) VALUES (@c, @v, @d, @a)")
                    .With("c", component.Name)
                    .With("v", script.Version)
                    .With("d", script.Description)
                    .With("a", time.GetUtcNow().ToString("O"))
                    .CreateCommand(connection, transaction);
                await using (record.ConfigureAwait(false))
                {
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                StorageLog.SchemaApplied(logger, component.Name, script.Version, script.Description, dialect.Name);
                count++;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static async Task<Dictionary<string, HashSet<int>>> ReadAppliedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
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

        return applied;
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
