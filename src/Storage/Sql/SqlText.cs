using System.Data.Common;

namespace CityBrain.Storage.Sql;

/// <summary>The statements both dialects share (both speak <c>ON CONFLICT</c>), and parameter helpers.</summary>
internal static class SqlText
{
    public const string InsertEvent =
        "INSERT INTO grain_journal (grain_type, grain_key, seq, schema_version, format, payload, recorded_at) VALUES (@t, @k, @q, @s, @f, @p, @u) ON CONFLICT DO NOTHING";

    public const string UpsertSnapshot =
        "INSERT INTO grain_snapshot (grain_type, grain_key, seq, schema_version, format, payload, created_at) VALUES (@t, @k, @q, @s, @f, @p, @u) "
        + "ON CONFLICT (grain_type, grain_key) DO UPDATE SET seq = excluded.seq, schema_version = excluded.schema_version, format = excluded.format, payload = excluded.payload, created_at = excluded.created_at "
        + "WHERE grain_snapshot.seq < excluded.seq";

    /// <summary>The snapshot and the events after it, in one round trip (two result sets).</summary>
    public const string ReadJournal =
        "SELECT seq, schema_version, format, payload FROM grain_snapshot WHERE grain_type = @t AND grain_key = @k; "
        + "SELECT seq, recorded_at, schema_version, format, payload FROM grain_journal WHERE grain_type = @t AND grain_key = @k "
        + "AND seq > COALESCE((SELECT seq FROM grain_snapshot WHERE grain_type = @t AND grain_key = @k), 0) ORDER BY seq";

    public const string ReadEvents =
        "SELECT seq, recorded_at, schema_version, format, payload FROM grain_journal WHERE grain_type = @t AND grain_key = @k AND seq > @q ORDER BY seq LIMIT @n";

    public const string InsertFeed =
        "INSERT INTO change_feed (feed, tag, grain_type, grain_key, shard, schema_version, format, payload, timer_name, timer_due, recorded_at) "
        + "VALUES (@n, @g, @t, @k, @h, @s, @f, @p, @x, @d, @u)";

    private const string FeedColumns = "position, grain_type, grain_key, recorded_at, schema_version, format, payload";

    public const string ReadFeed =
        "SELECT " + FeedColumns + " FROM change_feed WHERE position > @q AND feed = @n ORDER BY position LIMIT @m";

    public const string ReadTag =
        "SELECT " + FeedColumns + " FROM change_feed WHERE tag = @g AND position > @q ORDER BY position LIMIT @m";

    public const string ReadTimerChanges =
        "SELECT position, grain_type, grain_key, timer_name, timer_due FROM change_feed WHERE position > @q AND shard = @h AND timer_name IS NOT NULL ORDER BY position LIMIT @m";

    public const string LastPosition = "SELECT COALESCE(MAX(position), 0) FROM change_feed";

    public const string ReadDeadlineCheckpoint = "SELECT position, payload FROM deadline_checkpoint WHERE shard = @h";

    public const string UpsertDeadlineCheckpoint =
        "INSERT INTO deadline_checkpoint (shard, position, payload, updated_at) VALUES (@h, @q, @p, @u) "
        + "ON CONFLICT (shard) DO UPDATE SET position = excluded.position, payload = excluded.payload, updated_at = excluded.updated_at "
        + "WHERE deadline_checkpoint.position <= excluded.position";

    /// <summary>An id already stored is the same message (its idempotency key): kept once, and never a unique
    /// violation that would fail the other appends of the commit batch.</summary>
    public const string InsertOutbox =
        "INSERT INTO outbox_message (id, subscriber, ordering_key, shard, grain_type, grain_key, payload, created_at, next_attempt_at) "
        + "VALUES (@i, @b, @o, @h, @t, @k, @p, @u, @u) ON CONFLICT (id) DO NOTHING";

    private const string OutboxColumns = "seq, id, subscriber, ordering_key, payload, created_at, attempts, next_attempt_at, state, last_error";

    /// <summary>The heads of a shard's open lanes: each pending message with no earlier open (pending or dead) message of
    /// its subscriber and ordering key, the earliest next attempt first. A lane behind a dead letter has no head here, so
    /// dead letters and the messages queued behind them never crowd out the lanes that can be delivered.</summary>
    public const string ReadOpenOutbox =
        "SELECT " + OutboxColumns + " FROM outbox_message m WHERE m.shard = @h AND m.state = 0 AND NOT EXISTS ("
        + "SELECT 1 FROM outbox_message e WHERE e.shard = m.shard AND e.subscriber = m.subscriber AND e.ordering_key = m.ordering_key "
        + "AND e.state IN (0, 2) AND e.seq < m.seq) ORDER BY m.next_attempt_at, m.seq LIMIT @m";

    public const string ReadOutboxByState =
        "SELECT " + OutboxColumns + " FROM outbox_message WHERE state = @s AND seq > @q ORDER BY seq LIMIT @m";

    public const string ReadOutboxById = "SELECT " + OutboxColumns + " FROM outbox_message WHERE id = @i";

    public const string MarkOutboxDelivered =
        "UPDATE outbox_message SET state = 1, attempts = @a, delivered_at = @u, last_error = NULL WHERE id = @i AND state = 0";

    public const string MarkOutboxFailed =
        "UPDATE outbox_message SET state = @s, attempts = @a, next_attempt_at = @n, last_error = @e WHERE id = @i AND state = 0";

    /// <summary>A dead letter back to pending, with its attempts counted afresh.</summary>
    public const string RetryOutbox =
        "UPDATE outbox_message SET state = 0, attempts = 0, next_attempt_at = @n WHERE id = @i AND state = 2";

    public const string DiscardOutbox = "UPDATE outbox_message SET state = 3, discarded_at = @u WHERE id = @i AND state = 2";

    /// <summary>Up to @m of a shard's messages delivered before @c, oldest first (index <c>outbox_delivered</c>). The
    /// outer state test keeps the delete to delivered rows whatever the subquery saw.</summary>
    public const string PurgeDeliveredOutbox =
        "DELETE FROM outbox_message WHERE state = 1 AND seq IN (SELECT seq FROM outbox_message "
        + "WHERE shard = @h AND state = 1 AND delivered_at < @c ORDER BY delivered_at LIMIT @m)";

    /// <summary>Up to @m of a shard's messages discarded before @c (rows discarded before schema 4 have no
    /// <c>discarded_at</c>: their last next attempt time stands in), by index <c>outbox_discarded</c>.</summary>
    public const string PurgeDiscardedOutbox =
        "DELETE FROM outbox_message WHERE state = 3 AND seq IN (SELECT seq FROM outbox_message "
        + "WHERE shard = @h AND state = 3 AND COALESCE(discarded_at, next_attempt_at) < @c ORDER BY seq LIMIT @m)";

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
