namespace CityBrain.Actors.Timers;

/// <summary>An indexed binary min-heap of timers by due time: O(log n) insert, remove and re-key, O(1) peek.
/// Each entry remembers its index, so an entry can be moved or removed without a search. Not thread-safe.</summary>
internal sealed class TimerHeap
{
    private TimerEntry[] _items = new TimerEntry[64];

    public int Count { get; private set; }

    public TimerEntry? Peek() => Count == 0 ? null : _items[0];

    public void Add(TimerEntry entry)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count] = entry;
        entry.HeapIndex = Count;
        Count++;
        SiftUp(entry.HeapIndex);
    }

    public TimerEntry Pop()
    {
        var top = _items[0];
        RemoveAt(0);
        return top;
    }

    public void Remove(TimerEntry entry)
    {
        if (entry.HeapIndex >= 0)
        {
            RemoveAt(entry.HeapIndex);
        }
    }

    /// <summary>Restores heap order after <paramref name="entry"/>'s due time changed.</summary>
    public void Update(TimerEntry entry)
    {
        if (entry.HeapIndex < 0)
        {
            Add(entry);
            return;
        }

        SiftUp(entry.HeapIndex);
        SiftDown(entry.HeapIndex);
    }

    private void RemoveAt(int index)
    {
        var removed = _items[index];
        Count--;
        if (index != Count)
        {
            var last = _items[Count];
            _items[index] = last;
            last.HeapIndex = index;
            SiftUp(index);
            SiftDown(last.HeapIndex);
        }

        _items[Count] = null!;
        removed.HeapIndex = -1;
        if (_items.Length > 64 && Count < _items.Length / 4)
        {
            Array.Resize(ref _items, _items.Length / 2);
        }
    }

    private void SiftUp(int index)
    {
        var entry = _items[index];
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (_items[parent].DueTicks <= entry.DueTicks)
            {
                break;
            }

            _items[index] = _items[parent];
            _items[index].HeapIndex = index;
            index = parent;
        }

        _items[index] = entry;
        entry.HeapIndex = index;
    }

    private void SiftDown(int index)
    {
        var entry = _items[index];
        while (true)
        {
            var child = (index << 1) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && _items[child + 1].DueTicks < _items[child].DueTicks)
            {
                child++;
            }

            if (entry.DueTicks <= _items[child].DueTicks)
            {
                break;
            }

            _items[index] = _items[child];
            _items[index].HeapIndex = index;
            index = child;
        }

        _items[index] = entry;
        entry.HeapIndex = index;
    }
}
