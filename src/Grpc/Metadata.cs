using System.Collections;

namespace CityBrain.Grpc;

/// <summary>
/// Custom headers or trailers of a call: an ordered list of key/value entries. Keys are lower-case ASCII
/// (<c>0-9 a-z _ . -</c>); keys ending in <c>-bin</c> carry binary values, which travel base64-encoded.
/// A key may occur more than once.
/// </summary>
public sealed partial class Metadata : IList<Metadata.Entry>
{
    /// <summary>The suffix that marks a key whose values are binary.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    private readonly List<Entry> _entries;

    /// <summary>Creates empty metadata.</summary>
    public Metadata()
    {
        _entries = [];
    }

    /// <summary>An empty, read-only metadata instance.</summary>
    public static Metadata Empty { get; } = new Metadata { IsReadOnly = true };

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public bool IsReadOnly { get; private set; }

    /// <inheritdoc />
    public Entry this[int index]
    {
        get => _entries[index];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckWritable();
            _entries[index] = value;
        }
    }

    /// <summary>Adds an ASCII entry.</summary>
    /// <param name="key">The key; must not end in <c>-bin</c>.</param>
    /// <param name="value">The value: printable ASCII.</param>
    public void Add(string key, string value) => Add(new Entry(key, value));

    /// <summary>Adds a binary entry.</summary>
    /// <param name="key">The key; must end in <c>-bin</c>.</param>
    /// <param name="valueBytes">The value.</param>
    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    /// <inheritdoc />
    public void Add(Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWritable();
        _entries.Add(item);
    }

    /// <summary>Returns the last entry with <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key (case-insensitive).</param>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>Returns every entry with <paramref name="key"/>, in order.</summary>
    /// <param name="key">The key (case-insensitive).</param>
    public IEnumerable<Entry> GetAll(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Returns the string value of the last ASCII entry with <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key (case-insensitive).</param>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>Returns the bytes of the last binary entry with <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key (case-insensitive); must end in <c>-bin</c>.</param>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <inheritdoc />
    public void Clear()
    {
        CheckWritable();
        _entries.Clear();
    }

    /// <inheritdoc />
    public bool Contains(Entry item) => _entries.Contains(item);

    /// <inheritdoc />
    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public int IndexOf(Entry item) => _entries.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWritable();
        _entries.Insert(index, item);
    }

    /// <inheritdoc />
    public bool Remove(Entry item)
    {
        CheckWritable();
        return _entries.Remove(item);
    }

    /// <inheritdoc />
    public void RemoveAt(int index)
    {
        CheckWritable();
        _entries.RemoveAt(index);
    }

    /// <summary>Returns an enumerator without allocating.</summary>
    public List<Entry>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    IEnumerator<Entry> IEnumerable<Entry>.GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();

    private void CheckWritable()
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException("This metadata instance is read-only.");
        }
    }
}
