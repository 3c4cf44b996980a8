using System.Reflection;
using System.Text.Json;
using Google.Protobuf;

namespace CityBrain.Actors.Storage;

/// <summary>Encodes and decodes one state or event type: protobuf messages as protobuf, everything else
/// (records) as JSON. The type's <see cref="StateSchemaAttribute"/> version travels with every payload.</summary>
internal static class PayloadCodec<T>
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    private static readonly MessageParser? Parser = typeof(IMessage).IsAssignableFrom(typeof(T))
        ? (MessageParser?)typeof(T).GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
        : null;

    /// <summary>The schema version this build writes for <typeparamref name="T"/>.</summary>
    public static readonly int Schema = typeof(T).GetCustomAttribute<StateSchemaAttribute>()?.Version ?? 1;

    public static Payload Encode(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Parser is not null
            ? new Payload(Schema, PayloadFormat.Protobuf, ((IMessage)value).ToByteArray())
            : new Payload(Schema, PayloadFormat.Json, JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions));
    }

    /// <summary>Decodes a stored payload; <paramref name="what"/> names the row in errors (e.g. "state of incident/42").</summary>
    public static T Decode(Payload payload, string what)
    {
        if (payload.Schema > Schema)
        {
            throw new StateSchemaException(
                $"The {what} was written with schema version {payload.Schema} of {typeof(T).Name}, newer than this build's version {Schema}. Upgrade CityBrain before reading it; nothing was changed.");
        }

        var expected = Parser is not null ? PayloadFormat.Protobuf : PayloadFormat.Json;
        if (payload.Format != expected)
        {
            throw new StateSchemaException($"The {what} is stored as {payload.Format}, but {typeof(T).Name} is read as {expected}.");
        }

        try
        {
            var value = Parser is not null
                ? (T)Parser.ParseFrom(payload.Bytes)
                : JsonSerializer.Deserialize<T>(payload.Bytes, JsonOptions);
            return value ?? throw new StateSchemaException($"The {what} decodes to null.");
        }
        catch (Exception exception) when (exception is InvalidProtocolBufferException or JsonException or NotSupportedException)
        {
            throw new StateSchemaException($"The {what} cannot be decoded as {typeof(T).Name}: {exception.Message}", exception);
        }
    }
}
