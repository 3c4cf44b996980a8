using CityBrain.Actors.Storage;

namespace CityBrain.Actors.Invocation;

/// <summary>One argument or result on the wire between silos: protobuf or JSON bytes (<see cref="Format"/> 1 or 2)
/// with the schema version of its type, or null (<see cref="Format"/> 0).</summary>
public readonly record struct EncodedValue(int Schema, short Format, byte[] Bytes)
{
    public const short NullFormat = 0;

    public bool IsNull => Format == NullFormat;

    internal static EncodedValue Encode<T>(T value)
    {
        if (value is null)
        {
            return new EncodedValue(0, NullFormat, []);
        }

        var payload = PayloadCodec<T>.Encode(value);
        return new EncodedValue(payload.Schema, (short)payload.Format, payload.Bytes);
    }

    internal T Decode<T>(string what) =>
        IsNull ? default! : PayloadCodec<T>.Decode(new Payload(Schema, (PayloadFormat)Format, Bytes), what);
}
