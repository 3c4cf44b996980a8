using System.Data.Common;

namespace CityBrain.Actors.Storage.Sql;

/// <summary>The statements shared by both dialects (both speak <c>ON CONFLICT</c>), and parameter helpers.</summary>
internal static class SqlText
{
    public const string CreateMigrationTable =
        "CREATE TABLE IF NOT EXISTS cb_migration (component TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))";

    public const string FenceSilo =
        "SELECT count(*) FROM (SELECT 1 FROM cluster_silo WHERE silo_id = @me AND status IN ('active', 'leaving') FOR SHARE) AS member";

    public const string ReadState =
        "SELECT version, schema_version, format, payload FROM grain_state WHERE grain_type = @t AND grain_key = @k";

    public const string InsertState =
        "INSERT INTO grain_state (grain_type, grain_key, version, schema_version, format, payload, updated_at) VALUES (@t, @k, 1, @s, @f, @p, @u) ON CONFLICT DO NOTHING";

    public const string UpdateState =
        "UPDATE grain_state SET version = version + 1, schema_version = @s, format = @f, payload = @p, updated_at = @u WHERE grain_type = @t AND grain_key = @k AND version = @v";

    public const string InsertClearedState =
        "INSERT INTO grain_state (grain_type, grain_key, version, schema_version, format, payload, updated_at) VALUES (@t, @k, 1, 0, 0, NULL, @u) ON CONFLICT DO NOTHING";

    public const string ClearState =
        "UPDATE grain_state SET version = version + 1, payload = NULL, updated_at = @u WHERE grain_type = @t AND grain_key = @k AND version = @v";

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

    public const string UpsertTimer =
        "INSERT INTO grain_timer (grain_type, grain_key, name, due_at, period_ms, grain_hash) VALUES (@t, @k, @n, @d, @m, @h) "
        + "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms";

    public const string DeleteTimer =
        "DELETE FROM grain_timer WHERE grain_type = @t AND grain_key = @k AND name = @n";

    public const string DeleteTimerIfDue =
        "DELETE FROM grain_timer WHERE grain_type = @t AND grain_key = @k AND name = @n AND due_at = @d";

    public const string ReadTimers =
        "SELECT grain_type, grain_key, name, due_at, period_ms FROM grain_timer";

    public const string InsertFeed =
        "INSERT INTO grain_feed (feed, grain_type, grain_key, schema_version, format, payload, recorded_at) VALUES (@n, @t, @k, @s, @f, @p, @u)";

    public const string ReadFeed =
        "SELECT position, grain_type, grain_key, recorded_at, schema_version, format, payload FROM grain_feed WHERE feed = @n AND position > @q ORDER BY position LIMIT @m";

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
