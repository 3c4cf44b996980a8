using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace CityBrain.Actors.Storage.Sql;

internal sealed class PostgresDialect : SqlDialect
{
    public override string Name => "PostgreSQL";

    public override string MigrationSuffix => "postgres";

    public override int MaxConcurrentBatches => 2;

    // Any constant will do, as long as every silo uses the same one.
    public override string MigrationLockSql => "SELECT pg_advisory_xact_lock(7345201)";

    public override DbDataSource CreateDataSource(string connectionString, string applicationName, out string description)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            // Fail fast when the server is down rather than after the 15 s default.
            builder.Timeout = 5;
        }

        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        // The runtime keeps no session state, so returning a connection to the pool need not reset it (the reset
        // would otherwise cost extra statements on every next use, and drop prepared statements).
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        // The cluster finds a dead silo's sessions by this name and terminates them.
        builder.ApplicationName = applicationName;
        description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    // Held until commit: the next transaction takes its positions only after this one committed.
    public override string FeedOrderLockSql => "SELECT pg_advisory_xact_lock(7345202)";

    public override string ReadStatesBatchSql =>
        "SELECT s.grain_type, s.grain_key, s.version, s.schema_version, s.format, s.payload FROM grain_state s "
        + "JOIN unnest(@t::text[], @k::text[]) AS g(grain_type, grain_key) ON s.grain_type = g.grain_type AND s.grain_key = g.grain_key";

    public override string ReadJournalsBatchSql =>
        "SELECT s.grain_type, s.grain_key, s.seq, s.schema_version, s.format, s.payload FROM grain_snapshot s "
        + "JOIN unnest(@t::text[], @k::text[]) AS g(grain_type, grain_key) ON s.grain_type = g.grain_type AND s.grain_key = g.grain_key; "
        + "SELECT j.grain_type, j.grain_key, j.seq, j.recorded_at, j.schema_version, j.format, j.payload FROM grain_journal j "
        + "JOIN unnest(@t::text[], @k::text[]) AS g(grain_type, grain_key) ON j.grain_type = g.grain_type AND j.grain_key = g.grain_key "
        + "WHERE j.seq > COALESCE((SELECT s.seq FROM grain_snapshot s WHERE s.grain_type = j.grain_type AND s.grain_key = j.grain_key), 0) "
        + "ORDER BY j.grain_type, j.grain_key, j.seq";

    // unnest yields the rows in array order, so feed positions (bigserial) follow the batch order.
    public override string BulkInsertEventsSql =>
        "INSERT INTO grain_journal (grain_type, grain_key, seq, schema_version, format, payload, recorded_at) "
        + "SELECT * FROM unnest(@t::text[], @k::text[], @q::bigint[], @s::integer[], @f::smallint[], @p::bytea[], @u::timestamptz[]) "
        + "ON CONFLICT DO NOTHING RETURNING grain_type, grain_key, seq";

    public override string BulkUpsertTimersSql =>
        "INSERT INTO grain_timer (grain_type, grain_key, name, due_at, period_ms, grain_hash) "
        + "SELECT * FROM unnest(@t::text[], @k::text[], @n::text[], @d::timestamptz[], @m::bigint[], @h::bigint[]) "
        + "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms";

    public override string BulkInsertFeedSql =>
        "INSERT INTO grain_feed (feed, grain_type, grain_key, schema_version, format, payload, recorded_at) "
        + "SELECT * FROM unnest(@n::text[], @t::text[], @k::text[], @s::integer[], @f::smallint[], @p::bytea[], @u::timestamptz[])";

    public override object ToDb(DateTimeOffset time) => time.ToUniversalTime();

    public override object ToDbArray(DateTimeOffset[] times)
    {
        var utc = new DateTimeOffset[times.Length];
        for (var i = 0; i < times.Length; i++)
        {
            utc[i] = times[i].ToUniversalTime();
        }

        return utc;
    }

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "53100",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    public override void ClearPool(DbDataSource dataSource) => ((NpgsqlDataSource)dataSource).Clear();
}
