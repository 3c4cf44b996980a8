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
    /// <param name="capacity">The rows expected (the batch's size): the columns are allocated once.</param>
    internal sealed class Events(int capacity)
    {
        private readonly HashSet<(string Type, string Key, long Seq)> _keys = new(capacity);
        private readonly PayloadColumns _columns = new(capacity);
        private readonly List<long> _seqs = new(capacity);

        public int Count => _seqs.Count;

        /// <summary>Adds the event unless the batch already holds one with the same grain and sequence.</summary>
        public bool TryAdd(GrainId grain, long seq, DateTimeOffset recordedAt, Payload payload)
        {
            if (!_keys.Add((grain.Type, grain.Key, seq)))
            {
                return false;
            }

            _columns.Add(grain, recordedAt, payload);
            _seqs.Add(seq);
            return true;
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect) =>
            _columns.AddParameters(statement.With("q", _seqs.ToArray()), dialect);
    }

    /// <summary>Timer upserts; valid only when no timer appears twice (an upsert may not touch a row twice).</summary>
    /// <param name="capacity">The rows expected (the batch's size).</param>
    internal sealed class Timers(int capacity)
    {
        private readonly HashSet<(string Type, string Key, string Name)> _keys = new(capacity);
        private readonly List<(GrainId Grain, TimerChange Change)> _upserts = new(capacity);

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
    /// <param name="capacity">The rows expected (the batch's size).</param>
    internal sealed class Feed(int capacity)
    {
        private readonly PayloadColumns _columns = new(capacity);
        private readonly List<string> _feeds = new(capacity);

        public int Count => _feeds.Count;

        public void Add(GrainId grain, DateTimeOffset at, FeedWrite entry)
        {
            _columns.Add(grain, at, entry.Payload);
            _feeds.Add(entry.Feed);
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect) =>
            _columns.AddParameters(statement.With("n", _feeds.ToArray()), dialect);
    }

    /// <summary>The columns journal events and feed entries share: grain (@t, @k), payload (@s, @f, @p) and time (@u).</summary>
    private sealed class PayloadColumns(int capacity)
    {
        private readonly List<string> _types = new(capacity);
        private readonly List<string> _keys = new(capacity);
        private readonly List<int> _schemas = new(capacity);
        private readonly List<short> _formats = new(capacity);
        private readonly List<byte[]> _payloads = new(capacity);
        private readonly List<DateTimeOffset> _times = new(capacity);

        public void Add(GrainId grain, DateTimeOffset at, Payload payload)
        {
            _types.Add(grain.Type);
            _keys.Add(grain.Key);
            _schemas.Add(payload.Schema);
            _formats.Add((short)payload.Format);
            _payloads.Add(payload.Bytes);
            _times.Add(at);
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect) =>
            statement.With("t", _types.ToArray()).With("k", _keys.ToArray()).With("s", _schemas.ToArray())
                .With("f", _formats.ToArray()).With("p", _payloads.ToArray()).With("u", dialect.ToDbArray(_times.ToArray()));
    }
}
