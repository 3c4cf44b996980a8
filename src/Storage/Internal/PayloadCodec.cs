using System.Reflection;
using System.Text.Json;
using Google.Protobuf;

namespace CityBrain.Storage.Internal;

/// <summary>Encodes and decodes one event, state or feed type: protobuf messages as protobuf, anything else (records)
/// as JSON. The type's <see cref="SchemaVersionAttribute"/> travels with every payload, so a row written by a newer
/// build is refused instead of misread.</summary>
internal static class PayloadCodec<T>
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    private static readonly MessageParser? Parser = typeof(IMessage).IsAssignableFrom(typeof(T))
        ? (MessageParser?)typeof(T).GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
        : null;

    /// <summary>The schema version this build writes for <typeparamref name="T"/>.</summary>
    public static readonly int Schema = typeof(T).GetCustomAttribute<SchemaVersionAttribute>()?.Version ?? 1;

    public static Payload Encode(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Parser is not null
            ? new Payload(Schema, PayloadFormat.Protobuf, ((IMessage)value).ToByteArray())
            : new Payload(Schema, PayloadFormat.Json, JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions));
    }

    /// <summary>Decodes a stored payload; <paramref name="what"/> names the row in errors (e.g. "journal event 3 of incident/42").</summary>
    public static T Decode(Payload payload, string what)
    {
        if (payload.Schema > Schema)
        {
            throw new SchemaException(
                $"The {what} was written with schema version {payload.Schema} of {typeof(T).Name}, newer than this build's version {Schema}. Upgrade CityBrain before reading it; nothing was changed.");
        }

        var expected = Parser is not null ? PayloadFormat.Protobuf : PayloadFormat.Json;
        if (payload.Format != expected)
        {
            throw new SchemaException($"The {what} is stored as {payload.Format}, but {typeof(T).Name} is read as {expected}.");
        }

        try
        {
            var value = Parser is not null
                ? (T)Parser.ParseFrom(payload.Bytes)
                : JsonSerializer.Deserialize<T>(payload.Bytes, JsonOptions);
            return value ?? throw new SchemaException($"The {what} decodes to null.");
        }
        catch (Exception exception) when (exception is InvalidProtocolBufferException or JsonException or NotSupportedException)
        {
            throw new SchemaException($"The {what} cannot be decoded as {typeof(T).Name}: {exception.Message}");
        }
    }
}
