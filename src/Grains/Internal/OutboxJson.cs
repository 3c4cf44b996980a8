using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Grains.Internal;

/// <summary>The JSON of the messages the city stages in the outbox (source replies, SLA notices): one object, Chinese
/// text unescaped, times as UTC ISO 8601 with milliseconds.</summary>
internal static class OutboxJson
{
    private static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One JSON object whose properties <paramref name="properties"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Writing))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="at"/> as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public static void WriteTime(this Utf8JsonWriter json, string name, Timestamp? at) =>
        json.WriteString(name, Times.At(at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
