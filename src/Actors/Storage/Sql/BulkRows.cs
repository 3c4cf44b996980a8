namespace CityBrain.Actors.Storage.Sql;

/// <summary>
/// The journal events, timer upserts and feed entries of a whole commit batch, gathered column by column so that each
/// table takes one statement over array parameters (PostgreSQL <c>unnest</c>) instead of one statement per row. A
/// statement per row costs the database a parse-bind-execute cycle and an executor start each; a row of a set costs
/// it an index insertion.
/// </summary>
internal static class BulkRows
{
    /// <summary>Journal events; one per (grain, sequence), since a second would be silently dropped by the
    /// statement's <c>ON CONFLICT DO NOTHING</c> instead of being reported as a conflict.</summary>
    internal sealed class Events
    {
        private readonly HashSet<(string Type, string Key, long Seq)> _keys = [];
        private readonly List<(GrainId Grain, long Seq, DateTimeOffset RecordedAt, Payload Payload)> _rows = [];

        public int Count => _rows.Count;

        /// <summary>Adds the event unless the batch already holds one with the same grain and sequence.</summary>
        public bool TryAdd(GrainId grain, long seq, DateTimeOffset recordedAt, Payload payload)
        {
            if (!_keys.Add((grain.Type, grain.Key, seq)))
            {
                return false;
            }

            _rows.Add((grain, seq, recordedAt, payload));
            return true;
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect)
        {
            var types = new string[_rows.Count];
            var keys = new string[_rows.Count];
            var seqs = new long[_rows.Count];
            var schemas = new int[_rows.Count];
            var formats = new short[_rows.Count];
            var payloads = new byte[_rows.Count][];
            var times = new DateTimeOffset[_rows.Count];
            for (var i = 0; i < _rows.Count; i++)
            {
                var (grain, seq, recordedAt, payload) = _rows[i];
                (types[i], keys[i], seqs[i]) = (grain.Type, grain.Key, seq);
                (schemas[i], formats[i], payloads[i], times[i]) = (payload.Schema, (short)payload.Format, payload.Bytes, recordedAt);
            }

            statement.With("t", types).With("k", keys).With("q", seqs).With("s", schemas).With("f", formats).With("p", payloads)
                .With("u", dialect.ToDbArray(times));
        }
    }

    /// <summary>Timer upserts; valid only when no timer appears twice (an upsert may not touch a row twice).</summary>
    internal sealed class Timers
    {
        private readonly HashSet<(string Type, string Key, string Name)> _keys = [];
        private readonly List<(GrainId Grain, TimerChange Change)> _upserts = [];

        public int Count => _upserts.Count;

        /// <summary>False when the batch changes one timer twice: then every timer of the batch is written row by row,
        /// in order, as before.</summary>
        public bool Unique { get; private set; } = true;

        /// <summary>Records a timer change; only upserts become rows, but every change counts for uniqueness.</summary>
        public void Add(GrainId grain, TimerChange change)
        {
            Unique &= _keys.Add((grain.Type, grain.Key, change.Name));
            if (!change.IsDelete)
            {
                _upserts.Add((grain, change));
            }
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect)
        {
            var types = new string[_upserts.Count];
            var keys = new string[_upserts.Count];
            var names = new string[_upserts.Count];
            var dues = new DateTimeOffset[_upserts.Count];
            var periods = new long?[_upserts.Count];
            var hashes = new long[_upserts.Count];
            for (var i = 0; i < _upserts.Count; i++)
            {
                var (grain, change) = _upserts[i];
                (types[i], keys[i], names[i], hashes[i]) = (grain.Type, grain.Key, change.Name, (long)grain.StableHash());
                dues[i] = change.DueAt!.Value;
                periods[i] = change.Period is { } period ? (long)period.TotalMilliseconds : null;
            }

            statement.With("t", types).With("k", keys).With("n", names).With("d", dialect.ToDbArray(dues)).With("m", periods).With("h", hashes);
        }
    }

    /// <summary>Feed entries, in batch order (positions follow it).</summary>
    internal sealed class Feed
    {
        private readonly List<(GrainId Grain, DateTimeOffset At, FeedWrite Entry)> _rows = [];

        public int Count => _rows.Count;

        public void Add(GrainId grain, DateTimeOffset at, FeedWrite entry) => _rows.Add((grain, at, entry));

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect)
        {
            var feeds = new string[_rows.Count];
            var types = new string[_rows.Count];
            var keys = new string[_rows.Count];
            var schemas = new int[_rows.Count];
            var formats = new short[_rows.Count];
            var payloads = new byte[_rows.Count][];
            var times = new DateTimeOffset[_rows.Count];
            for (var i = 0; i < _rows.Count; i++)
            {
                var (grain, at, entry) = _rows[i];
                (feeds[i], types[i], keys[i], times[i]) = (entry.Feed, grain.Type, grain.Key, at);
                (schemas[i], formats[i], payloads[i]) = (entry.Payload.Schema, (short)entry.Payload.Format, entry.Payload.Bytes);
            }

            statement.With("n", feeds).With("t", types).With("k", keys).With("s", schemas).With("f", formats).With("p", payloads)
                .With("u", dialect.ToDbArray(times));
        }
    }
}
