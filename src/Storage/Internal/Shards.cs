using System.Text;

namespace CityBrain.Storage.Internal;

/// <summary>Which deadline shard owns a grain's deadlines: a stable hash of its type and key (FNV-1a over UTF-8), the
/// same in every process and build. The count is part of the schema: every row records its shard.</summary>
internal static class Shards
{
    /// <summary>The number of deadline shards.</summary>
    public const int Count = 8;

    public static short Of(StoredGrain grain)
    {
        var hash = 2166136261u;
        hash = Mix(hash, grain.Type);
        hash = (hash ^ '/') * 16777619u;
        hash = Mix(hash, grain.Key);
        return (short)(hash % Count);
    }

    /// <summary>The outbox shard of an ordering key: one shard delivers every message of a key, in order.</summary>
    public static short OfOrderingKey(string orderingKey) => Of(new StoredGrain("outbox", orderingKey));

    /// <summary>FNV-1a of <paramref name="text"/>'s UTF-8: stable across processes and builds (string.GetHashCode is
    /// randomized per process).</summary>
    public static uint Hash(string text) => Mix(2166136261u, text);

    private static uint Mix(uint hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
