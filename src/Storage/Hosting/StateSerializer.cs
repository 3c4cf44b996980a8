using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Orleans.Storage;

namespace CityBrain.Storage;

/// <summary>
/// How ordinary grain state is stored by the ADO.NET provider: a protobuf message as its protobuf bytes, anything else
/// (records) as System.Text.Json — compact, readable by other tools, and independent of Orleans' own serialization
/// settings (its default, Newtonsoft JSON, knows nothing of protobuf messages).
/// </summary>
public sealed class StateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => Format<T>.Parser is not null
        ? new BinaryData(((IMessage)input!).ToByteArray())
        : new BinaryData(JsonSerializer.SerializeToUtf8Bytes(input, JsonOptions));

    /// <inheritdoc />
    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return Format<T>.Parser is { } parser
                ? (T)parser.ParseFrom(input.ToMemory().Span)
                : JsonSerializer.Deserialize<T>(input.ToMemory().Span, JsonOptions) ?? throw new SchemaException($"A stored {typeof(T).Name} decodes to null.");
        }
        catch (Exception exception) when (exception is InvalidProtocolBufferException or JsonException)
        {
            throw new SchemaException($"A stored {typeof(T).Name} cannot be decoded: {exception.Message}");
        }
    }

    private static class Format<T>
    {
        public static readonly MessageParser? Parser = typeof(IMessage).IsAssignableFrom(typeof(T))
            ? (MessageParser?)typeof(T).GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            : null;
    }
}
