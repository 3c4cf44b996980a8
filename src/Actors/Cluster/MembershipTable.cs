using Npgsql;

namespace CityBrain.Actors.Cluster;

/// <summary>
/// The membership oracle in PostgreSQL. Every change of the view runs in a transaction that first
/// compare-and-swaps <c>cluster_version.version</c>; if another silo changed the view meanwhile, the change is
/// abandoned and the caller re-reads. Times are the database's (<c>now()</c>), so silo clocks do not matter.
/// </summary>
internal sealed class MembershipTable(NpgsqlDataSource dataSource, SiloIdentity self, ClusterOptions options)
{
    public const string Channel = "citybrain_membership";

    public async Task<MembershipSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand(
            "SELECT version, now() FROM cluster_version; " +
            "SELECT silo_id, address, grpc_url, http_url, generation, status, started_at, heartbeat_at, activations FROM cluster_silo " +
            "WHERE status <> 'dead' OR heartbeat_at > now() - interval '1 hour' ORDER BY silo_id",
            connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var version = reader.GetInt64(0);
        var now = reader.GetFieldValue<DateTimeOffset>(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var silos = new List<SiloInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            silos.Add(new SiloInfo(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt64(4),
                ParseStatus(reader.GetString(5)),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetInt32(8)));
        }

        return new MembershipSnapshot(version, silos, now);
    }

    /// <summary>Adds this silo as active; an older incarnation on the same address is marked dead.</summary>
    public Task<bool> TryJoinAsync(long expectedVersion, CancellationToken cancellationToken) =>
        TryChangeAsync(expectedVersion, async (connection, transaction) =>
        {
            using var insert = new NpgsqlCommand(
                "INSERT INTO cluster_silo (silo_id, address, grpc_url, http_url, generation, status, started_at, heartbeat_at) " +
                "VALUES (@id, @address, @grpc, @http, @generation, 'active', now(), now()); " +
                "UPDATE cluster_silo SET status = 'dead' WHERE address = @address AND generation < @generation AND status <> 'dead'",
                connection, transaction);
            insert.Parameters.AddWithValue("id", self.Id);
            insert.Parameters.AddWithValue("address", self.Address);
            insert.Parameters.AddWithValue("grpc", options.GrpcUrl);
            insert.Parameters.AddWithValue("http", options.HttpUrl);
            insert.Parameters.AddWithValue("generation", self.Generation);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Renews this silo's lease. False when its row is no longer active or leaving: it was declared dead.</summary>
    public async Task<bool> HeartbeatAsync(int activations, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand(
            "UPDATE cluster_silo SET heartbeat_at = now(), activations = @n WHERE silo_id = @id AND status IN ('active', 'leaving')",
            connection);
        command.Parameters.AddWithValue("id", self.Id);
        command.Parameters.AddWithValue("n", activations);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Declares a silo dead if its lease has lapsed by the database clock. Its database sessions are
    /// terminated first: a transaction it left open (holding the share lock of its fencing token) would otherwise
    /// block the declaration, and nothing it still has in flight may commit afterwards.</summary>
    public Task<bool> TryDeclareDeadAsync(string siloId, long expectedVersion, CancellationToken cancellationToken) =>
        TryChangeAsync(expectedVersion, async (connection, transaction) =>
        {
            using (var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app AND pid <> pg_backend_pid()",
                connection, transaction))
            {
                terminate.Parameters.AddWithValue("app", SiloIdentity.ApplicationNameOf(siloId));
                await terminate.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            using var command = new NpgsqlCommand(
                "UPDATE cluster_silo SET status = 'dead' WHERE silo_id = @id AND status <> 'dead' " +
                "AND heartbeat_at < now() - make_interval(secs => @lease)",
                connection, transaction);
            command.Parameters.AddWithValue("id", siloId);
            command.Parameters.AddWithValue("lease", options.LeaseDuration.TotalSeconds);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <summary>Sets this silo's own status (leaving, then dead on a graceful shutdown).</summary>
    public Task<bool> TrySetOwnStatusAsync(SiloStatus status, long expectedVersion, CancellationToken cancellationToken) =>
        TryChangeAsync(expectedVersion, async (connection, transaction) =>
        {
            var command = new NpgsqlCommand("UPDATE cluster_silo SET status = @status WHERE silo_id = @id AND status <> 'dead'", connection, transaction);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue("id", self.Id);
            command.Parameters.AddWithValue("status", StatusText(status));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <summary>Runs a view change if the view is still at <paramref name="expectedVersion"/>; tells the other
    /// silos through NOTIFY. Returns false (and changes nothing) when the version moved or the change declined.</summary>
    private async Task<bool> TryChangeAsync(long expectedVersion, Func<NpgsqlConnection, NpgsqlTransaction, Task<bool>> change, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var cas = new NpgsqlCommand("UPDATE cluster_version SET version = version + 1 WHERE version = @v", connection, transaction);
        await using (cas.ConfigureAwait(false))
        {
            cas.Parameters.AddWithValue("v", expectedVersion);
            if (await cas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        if (!await change(connection, transaction).ConfigureAwait(false))
        {
            return false;
        }

        var notify = new NpgsqlCommand($"NOTIFY {Channel}", connection, transaction);
        await using (notify.ConfigureAwait(false))
        {
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    internal static SiloStatus ParseStatus(string text) => text switch
    {
        "active" => SiloStatus.Active,
        "leaving" => SiloStatus.Leaving,
        _ => SiloStatus.Dead,
    };

    internal static string StatusText(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Leaving => "leaving",
        _ => "dead",
    };
}
