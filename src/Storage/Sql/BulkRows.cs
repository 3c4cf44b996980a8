using CityBrain.Storage.Internal;

namespace CityBrain.Storage.Sql;

/// <summary>
/// The journal events and feed rows of a whole commit batch, gathered column by column so that each table takes one
/// statement over array parameters (PostgreSQL <c>unnest</c>) instead of one statement per row: a statement costs the
/// database a parse-bind-execute cycle and an executor start; a row of a set costs it an index insertion.
/// </summary>
internal static class BulkRows
{
    /// <summary>Journal events; one per (grain, sequence), since a second would be silently dropped by the statement's
    /// <c>ON CONFLICT DO NOTHING</c> instead of being reported as a conflict.</summary>
    internal sealed class Events(int capacity)
    {
        private readonly HashSet<(string Type, string Key, long Seq)> _keys = new(capacity);
        private readonly List<string> _types = new(capacity);
        private readonly List<string> _grainKeys = new(capacity);
        private readonly List<long> _seqs = new(capacity);
        private readonly List<int> _schemas = new(capacity);
        private readonly List<short> _formats = new(capacity);
        private readonly List<byte[]> _payloads = new(capacity);
        private readonly List<DateTimeOffset> _times = new(capacity);

        public int Count => _seqs.Count;

        /// <summary>Adds the event unless the batch already holds one with the same grain and sequence.</summary>
        public bool TryAdd(StoredGrain grain, long seq, DateTimeOffset recordedAt, Payload payload)
        {
            if (!_keys.Add((grain.Type, grain.Key, seq)))
            {
                return false;
            }

            _types.Add(grain.Type);
            _grainKeys.Add(grain.Key);
            _seqs.Add(seq);
            _schemas.Add(payload.Schema);
            _formats.Add((short)payload.Format);
            _payloads.Add(payload.Bytes);
            _times.Add(recordedAt);
            return true;
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect) =>
            statement.With("t", _types.ToArray()).With("k", _grainKeys.ToArray()).With("q", _seqs.ToArray()).With("s", _schemas.ToArray())
                .With("f", _formats.ToArray()).With("p", _payloads.ToArray()).With("u", dialect.ToDbArray(_times.ToArray()));
    }

    /// <summary>Feed rows, in batch order (positions follow it).</summary>
    internal sealed class Feed(int capacity)
    {
        private readonly List<string> _feeds = new(capacity);
        private readonly List<string?> _tags = new(capacity);
        private readonly List<string> _types = new(capacity);
        private readonly List<string> _keys = new(capacity);
        private readonly List<short> _shards = new(capacity);
        private readonly List<int> _schemas = new(capacity);
        private readonly List<short> _formats = new(capacity);
        private readonly List<byte[]> _payloads = new(capacity);
        private readonly List<string?> _timerNames = new(capacity);
        private readonly List<DateTimeOffset?> _timerDues = new(capacity);
        private readonly List<DateTimeOffset> _times = new(capacity);

        public int Count => _feeds.Count;

        public void Add(in FeedRow row)
        {
            _feeds.Add(row.Feed);
            _tags.Add(row.Tag);
            _types.Add(row.Grain.Type);
            _keys.Add(row.Grain.Key);
            _shards.Add(row.Shard);
            _schemas.Add(row.Payload.Schema);
            _formats.Add((short)row.Payload.Format);
            _payloads.Add(row.Payload.Bytes);
            _timerNames.Add(row.TimerName);
            _timerDues.Add(row.TimerDue);
            _times.Add(row.At);
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect)
        {
            var dues = new DateTimeOffset?[_timerDues.Count];
            for (var i = 0; i < dues.Length; i++)
            {
                dues[i] = _timerDues[i]?.ToUniversalTime();
            }

            statement.With("n", _feeds.ToArray()).With("g", _tags.ToArray()).With("t", _types.ToArray()).With("k", _keys.ToArray())
                .With("h", _shards.ToArray()).With("s", _schemas.ToArray()).With("f", _formats.ToArray()).With("p", _payloads.ToArray())
                .With("x", _timerNames.ToArray()).With("d", dues).With("u", dialect.ToDbArray(_times.ToArray()));
        }
    }

    /// <summary>Outbox messages, in batch order (their sequence follows it, as one statement each kept it).</summary>
    internal sealed class Outbox(int capacity)
    {
        private readonly List<string> _ids = new(capacity);
        private readonly List<string> _subscribers = new(capacity);
        private readonly List<string> _orderingKeys = new(capacity);
        private readonly List<short> _shards = new(capacity);
        private readonly List<string> _types = new(capacity);
        private readonly List<string> _keys = new(capacity);
        private readonly List<string> _payloads = new(capacity);
        private readonly List<DateTimeOffset> _times = new(capacity);

        public void Add(AppendRequest request, OutboxWrite message)
        {
            _ids.Add(message.Id);
            _subscribers.Add(message.Subscriber);
            _orderingKeys.Add(message.OrderingKey);
            _shards.Add(Shards.OfOrderingKey(message.OrderingKey));
            _types.Add(request.Grain.Type);
            _keys.Add(request.Grain.Key);
            _payloads.Add(message.Payload);
            _times.Add(request.At);
        }

        public void AddParameters(StatementList.Statement statement, SqlDialect dialect) =>
            statement.With("i", _ids.ToArray()).With("b", _subscribers.ToArray()).With("o", _orderingKeys.ToArray()).With("h", _shards.ToArray())
                .With("t", _types.ToArray()).With("k", _keys.ToArray()).With("p", _payloads.ToArray()).With("u", dialect.ToDbArray(_times.ToArray()));
    }
}

/// <summary>One row of the change feed: an entry a grain published, and/or one change of one of its deadlines.</summary>
internal readonly record struct FeedRow(string Feed, string? Tag, StoredGrain Grain, short Shard, Payload Payload, string? TimerName, DateTimeOffset? TimerDue, DateTimeOffset At)
{
    /// <summary>The feed of rows that carry a deadline change and nothing else.</summary>
    public const string DeadlinesFeed = "deadlines";

    /// <summary>The rows of a request: its entries, the first deadline changes riding on them, the rest on rows of their own.</summary>
    public static void AddTo(List<FeedRow> rows, AppendRequest request)
    {
        var shard = request.Deadlines.Count > 0 || request.Feed.Count > 0 ? Shards.Of(request.Grain) : (short)0;
        var count = Math.Max(request.Feed.Count, request.Deadlines.Count);
        for (var i = 0; i < count; i++)
        {
            var entry = i < request.Feed.Count ? request.Feed[i] : new FeedWrite(DeadlinesFeed, null, Payload.Empty);
            var deadline = i < request.Deadlines.Count ? request.Deadlines[i] : default(DeadlineChange?);
            rows.Add(new FeedRow(entry.Feed, entry.Tag, request.Grain, shard, entry.Payload, deadline?.Name, deadline?.DueAt, request.At));
        }
    }
}
