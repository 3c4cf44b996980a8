using CityBrain.Storage.Internal;

namespace CityBrain.Storage.Deadlines;

/// <summary>
/// The pending deadlines of one shard: one entry per (grain, name), ordered by due time. An entry being fired stays in
/// the set (it is not acknowledged yet) but out of the queue; a change that arrives meanwhile replaces it with a new
/// entry, so the firing's completion retires only the entry it fired. Queue entries made stale by a change are skipped
/// when they surface.
/// </summary>
internal sealed class DeadlineSet
{
    private readonly Dictionary<(StoredGrain Grain, string Name), Entry> _entries = [];
    private readonly PriorityQueue<Entry, DateTimeOffset> _queue = new();
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>Changes not yet in a checkpoint: arms, cancels and retirements.</summary>
    public long Changes { get; private set; }

    /// <summary>Notes that the first <paramref name="changes"/> of <see cref="Changes"/> are in a checkpoint now (changes
    /// made while it was being written stay counted).</summary>
    public void MarkSaved(long changes) => Changes -= changes;

    /// <summary>Applies a change read from the feed: arm or re-arm (a due time), or cancel (null).</summary>
    public void Apply(StoredGrain grain, string name, DateTimeOffset? dueAt)
    {
        grain = new StoredGrain(Share(grain.Type), grain.Key);
        name = Share(name);
        if (dueAt is not { } due)
        {
            Changes += _entries.Remove((grain, name)) ? 1 : 0;
            return;
        }

        if (_entries.TryGetValue((grain, name), out var current) && current.DueAt == due && !current.Firing)
        {
            return;
        }

        var entry = new Entry(grain, name, due);
        _entries[(grain, name)] = entry;
        _queue.Enqueue(entry, due);
        Changes++;
    }

    /// <summary>The earliest due time waiting to fire, if any.</summary>
    public DateTimeOffset? NextDue()
    {
        while (_queue.TryPeek(out var entry, out _))
        {
            if (IsLive(entry))
            {
                return entry.RetryAt ?? entry.DueAt;
            }

            _queue.Dequeue();
        }

        return null;
    }

    /// <summary>Takes an entry due at <paramref name="now"/> to fire, marking it as firing.</summary>
    public bool TryTakeDue(DateTimeOffset now, out Entry entry)
    {
        while (_queue.TryPeek(out entry!, out var at))
        {
            if (!IsLive(entry))
            {
                _queue.Dequeue();
                continue;
            }

            if (at > now)
            {
                return false;
            }

            _queue.Dequeue();
            entry.Firing = true;
            return true;
        }

        return false;
    }

    /// <summary>The firing of <paramref name="entry"/> was handled: retire it, unless it was replaced meanwhile.</summary>
    public void Retire(Entry entry)
    {
        if (_entries.TryGetValue((entry.Grain, entry.Name), out var current) && ReferenceEquals(current, entry))
        {
            _entries.Remove((entry.Grain, entry.Name));
            Changes++;
        }
    }

    /// <summary>The firing of <paramref name="entry"/> failed: fire it again at <paramref name="retryAt"/>, unless replaced.</summary>
    public void Retry(Entry entry, DateTimeOffset retryAt)
    {
        entry.Firing = false;
        if (_entries.TryGetValue((entry.Grain, entry.Name), out var current) && ReferenceEquals(current, entry))
        {
            entry.RetryAt = retryAt;
            _queue.Enqueue(entry, retryAt);
        }
    }

    /// <summary>Brings every retry planned after <paramref name="now"/> forward to it.</summary>
    public void RetryAllBy(DateTimeOffset now)
    {
        foreach (var entry in _entries.Values)
        {
            if (!entry.Firing && entry.RetryAt > now)
            {
                entry.RetryAt = now;
                _queue.Enqueue(entry, now);
            }
        }
    }

    /// <summary>Every pending deadline (firing ones included), for a checkpoint.</summary>
    public IEnumerable<Entry> All => _entries.Values;

    private bool IsLive(Entry entry) =>
        !entry.Firing && _entries.TryGetValue((entry.Grain, entry.Name), out var current) && ReferenceEquals(current, entry);

    /// <summary>Grain types and deadline names repeat across thousands of entries: keep one copy of each.</summary>
    private string Share(string text)
    {
        if (_strings.TryGetValue(text, out var shared))
        {
            return shared;
        }

        if (_strings.Count < 1024)
        {
            _strings[text] = text;
        }

        return text;
    }

    internal sealed class Entry(StoredGrain grain, string name, DateTimeOffset dueAt)
    {
        public StoredGrain Grain { get; } = grain;

        public string Name { get; } = name;

        public DateTimeOffset DueAt { get; } = dueAt;

        /// <summary>When a failed firing is tried again.</summary>
        public DateTimeOffset? RetryAt { get; set; }

        public bool Firing { get; set; }
    }
}
