using CityBrain.Storage.Internal;

namespace CityBrain.Storage.Deadlines;

/// <summary>A shard's pending deadlines as one compact blob: format version, then the count and each entry's grain type,
/// key, name and due time (UTC ticks).</summary>
internal static class DeadlineCheckpoint
{
    private const byte Format = 1;

    public static byte[] Encode(IEnumerable<DeadlineSet.Entry> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            var list = entries.ToList();
            writer.Write(Format);
            writer.Write(list.Count);
            foreach (var entry in list)
            {
                writer.Write(entry.Grain.Type);
                writer.Write(entry.Grain.Key);
                writer.Write(entry.Name);
                writer.Write(entry.DueAt.UtcTicks);
            }
        }

        return buffer.ToArray();
    }

    public static void Decode(byte[] payload, DeadlineSet into)
    {
        using var reader = new BinaryReader(new MemoryStream(payload));
        var format = reader.ReadByte();
        if (format != Format)
        {
            throw new SchemaException($"A deadline checkpoint has format {format}; this build reads format {Format}.");
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var grain = new StoredGrain(reader.ReadString(), reader.ReadString());
            var name = reader.ReadString();
            into.Apply(grain, name, new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero));
        }
    }
}
