using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace CityBrain.Storage.Sql;

internal sealed class PostgresDialect : SqlDialect
{
    public override DatabaseKind Kind => DatabaseKind.Postgres;

    public override string Name => "PostgreSQL";

    public override int MaxConcurrentBatches => 2;

    public override string OrleansInvariant => "Npgsql";

    // Any constants will do, as long as every silo uses the same ones.
    public override string SchemaLockSql => "SELECT pg_advisory_xact_lock(7345201)";

    public override string FeedOrderLockSql => "SELECT pg_advisory_xact_lock(7345202)";

    public override DbDataSource CreateDataSource(string connectionString, string applicationName, int maxPoolSize, out string description)
    {
        var builder = new NpgsqlConnectionStringBuilder(Tune(connectionString, applicationName, maxPoolSize));
        description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString);

        // Statements are traced within a recorded trace only: the store's loops (feeds, deadlines, the outbox) run outside
        // any, and a dropped root still costs an activity, created for propagation alone.
        dataSource.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(static _ => StorageTelemetry.InRecordedTrace)
            .ConfigureBatchFilter(static _ => StorageTelemetry.InRecordedTrace));
        return dataSource.Build();
    }

    /// <summary>
    /// The connection settings every CityBrain connection to PostgreSQL uses unless the connection string says otherwise
    /// (the journal store's and Orleans' ADO.NET providers' alike): a 5 s connect timeout (fail fast when the server is
    /// down, not after 15 s), automatic preparation of repeated statements, and no session reset when a connection returns
    /// to the pool (the reset costs statements on the next use and drops the prepared ones; nothing keeps session state).
    /// Measured with the <c>orleans</c> benchmark: an ADO.NET state write costs about a third of the PostgreSQL CPU.
    /// And a pool of at most <paramref name="maxPoolSize"/> connections (Npgsql's default is 100 per pool, and a silo has
    /// three: a few silos at their peaks would pass PostgreSQL's default limit of 100 connections; see
    /// <see cref="ConnectionBudget"/>).
    /// </summary>
    public static string Tune(string connectionString, string applicationName, int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!SetsPoolSize(connectionString))
        {
            builder.MaxPoolSize = maxPoolSize;
        }

        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 5;
        }

        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = applicationName;
        }

        return builder.ConnectionString;
    }

    public override string ReadJournalsBatchSql =>
        "SELECT s.grain_type, s.grain_key, s.seq, s.schema_version, s.format, s.payload FROM grain_snapshot s "
        + "JOIN unnest(@t::text[], @k::text[]) AS g(grain_type, grain_key) ON s.grain_type = g.grain_type AND s.grain_key = g.grain_key; "
        + "SELECT j.grain_type, j.grain_key, j.seq, j.recorded_at, j.schema_version, j.format, j.payload FROM grain_journal j "
        + "JOIN unnest(@t::text[], @k::text[]) AS g(grain_type, grain_key) ON j.grain_type = g.grain_type AND j.grain_key = g.grain_key "
        + "WHERE j.seq > COALESCE((SELECT s.seq FROM grain_snapshot s WHERE s.grain_type = j.grain_type AND s.grain_key = j.grain_key), 0) "
        + "ORDER BY j.grain_type, j.grain_key, j.seq";

    public override string BulkInsertEventsSql =>
        "INSERT INTO grain_journal (grain_type, grain_key, seq, schema_version, format, payload, recorded_at) "
        + "SELECT * FROM unnest(@t::text[], @k::text[], @q::bigint[], @s::integer[], @f::smallint[], @p::bytea[], @u::timestamptz[]) "
        + "ON CONFLICT DO NOTHING RETURNING grain_type, grain_key, seq";

    // unnest yields the rows in array order, so positions (bigserial) follow the batch order.
    public override string BulkInsertFeedSql =>
        "INSERT INTO change_feed (feed, tag, grain_type, grain_key, shard, schema_version, format, payload, timer_name, timer_due, recorded_at) "
        + "SELECT * FROM unnest(@n::text[], @g::text[], @t::text[], @k::text[], @h::smallint[], @s::integer[], @f::smallint[], @p::bytea[], @x::text[], @d::timestamptz[], @u::timestamptz[])";

    // unnest yields the rows in array order, so sequences follow the batch order.
    public override string BulkInsertOutboxSql =>
        "INSERT INTO outbox_message (id, subscriber, ordering_key, shard, grain_type, grain_key, payload, created_at, next_attempt_at) "
        + "SELECT i, b, o, h, t, k, p, u, u FROM unnest(@i::text[], @b::text[], @o::text[], @h::smallint[], @t::text[], @k::text[], @p::text[], @u::timestamptz[]) "
        + "AS r(i, b, o, h, t, k, p, u) ON CONFLICT (id) DO NOTHING";

    public override string BulkMarkOutboxDeliveredSql =>
        "UPDATE outbox_message m SET state = 1, attempts = d.a, delivered_at = d.u, last_error = NULL "
        + "FROM unnest(@i::text[], @a::integer[], @u::timestamptz[]) AS d(id, a, u) WHERE m.id = d.id AND m.state = 0";

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

    // Status 3 is Orleans' SiloStatus.Active.
    public override string ConnectionLimitsSql =>
        "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, "
        + "(SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend'), "
        + "(SELECT count(*)::int FROM orleansmembershiptable WHERE status = 3)";

    public override int? PoolSizeIn(string connectionString) =>
        SetsPoolSize(connectionString) ? new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize : null;

    // Npgsql's keywords for it: "Maximum Pool Size" and its synonym "MaxPoolSize" (any case).
    private static bool SetsPoolSize(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .Any(key => key.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase) || key.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase));

    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "53100",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    public override bool IsRetryable(Exception exception) => exception is PostgresException { SqlState: "40P01" or "40001" };

    /// <summary>
    /// Drops the store's pooled connections and Npgsql's pools by connection string: Orleans' ADO.NET providers
    /// (membership, grain state, reminders) take theirs from the latter, and after a restart of the database each
    /// connection idle there would fail one of their calls (the membership's heartbeat among them) after the return.
    /// </summary>
    public override void ClearPool(DbDataSource dataSource)
    {
        ((NpgsqlDataSource)dataSource).Clear();
        NpgsqlConnection.ClearAllPools();
    }
}
