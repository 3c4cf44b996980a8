namespace CityBrain.Actors;

/// <summary>The one stable 32-bit hash of the runtime (FNV-1a over UTF-16 code units, then an avalanche step so that
/// strings differing in one character land far apart): the same in every process and release, since grain
/// placement and stored timer rows depend on it.</summary>
internal static class StableHashing
{
    public const uint Seed = 2166136261;

    public static uint Add(uint hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    public static uint Finish(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return hash;
    }

    public static uint Hash(string text) => Finish(Add(Seed, text));
}
