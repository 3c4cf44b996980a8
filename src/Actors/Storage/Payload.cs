namespace CityBrain.Actors.Storage;

/// <summary>How a payload is encoded.</summary>
internal enum PayloadFormat : short
{
    Protobuf = 1,
    Json = 2,
}

/// <summary>An encoded state, event or snapshot, with the schema version of the type that wrote it.</summary>
internal readonly record struct Payload(int Schema, PayloadFormat Format, byte[] Bytes);
