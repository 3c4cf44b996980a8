namespace CityBrain.Storage.Internal;

/// <summary>How a payload is encoded.</summary>
internal enum PayloadFormat : short
{
    Protobuf = 1,
    Json = 2,
}

/// <summary>An encoded event, snapshot or feed entry, with the schema version of the type that wrote it.</summary>
internal readonly record struct Payload(int Schema, PayloadFormat Format, byte[] Bytes)
{
    /// <summary>An entry that carries nothing but its grain and position (a deadline change on its own).</summary>
    public static Payload Empty { get; } = new(1, PayloadFormat.Protobuf, []);
}
