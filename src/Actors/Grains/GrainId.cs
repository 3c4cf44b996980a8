namespace CityBrain.Actors;

/// <summary>The identity of a grain: its type name (for example <c>incident</c>) and its string key.</summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    /// <summary>Creates a grain id; the type must be non-empty and the key non-empty.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A grain key must be a non-empty string (grain type '{type}').", nameof(key));
        }

        Type = type;
        Key = key;
    }

    /// <summary>The grain type name, as given by <see cref="GrainTypeAttribute"/>.</summary>
    public string Type { get; }

    /// <summary>The grain key.</summary>
    public string Key { get; }

    /// <summary>True for the default value, which names no grain.</summary>
    public bool IsDefault => Type is null;

    /// <summary>A stable 32-bit hash of type and key (FNV-1a over UTF-16, then an avalanche step), the same in every process;
    /// it places grains and their timers on the cluster ring.</summary>
    public uint StableHash()
    {
        var hash = StableHashing.Add(StableHashing.Seed, Type);
        hash = StableHashing.Add(hash, "/");
        return StableHashing.Finish(StableHashing.Add(hash, Key));
    }

    /// <inheritdoc />
    public bool Equals(GrainId other) => string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Key);

    /// <summary>The id as <c>type/key</c>, the form used in logs and error messages.</summary>
    public override string ToString() => IsDefault ? "(none)" : $"{Type}/{Key}";

    /// <summary>Parses the <c>type/key</c> form.</summary>
    public static GrainId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not a grain id of the form type/key.");
        }

        return new GrainId(text[..slash], text[(slash + 1)..]);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}
