using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>The two formats of GeoReport v2: the resource's extension (<c>services.json</c>, <c>services.xml</c>).</summary>
internal enum Open311Format
{
    Json,
    Xml,
}

/// <summary>One object of a GeoReport answer: named fields in order. A value is a string, a bool, an int, a double, null
/// (JSON null, an empty XML element) or an <see cref="Open311List"/> (a nested list, e.g. a definition's attributes).</summary>
internal sealed class Open311Object : List<KeyValuePair<string, object?>>
{
    public Open311Object Add(string name, object? value)
    {
        Add(new KeyValuePair<string, object?>(name, value));
        return this;
    }
}

/// <summary>A list of objects: a JSON array; in XML an element per object, named <paramref name="Item"/>.</summary>
internal sealed record Open311List(string Item, IReadOnlyList<Open311Object> Items);

/// <summary>
/// A GeoReport v2 answer and its two encodings: JSON (a top-level array of objects, or one object) and XML (the root
/// element named by the specification — <c>services</c>, <c>service_definition</c>, <c>service_requests</c>,
/// <c>errors</c> — with an element per field), UTF-8 with the XML declaration as the specification asks.
/// </summary>
internal sealed record Open311Document(string Root, object Body)
{
    public const string JsonType = "application/json; charset=utf-8";
    public const string XmlType = "text/xml; charset=utf-8";

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Text as itself (Chinese, quotes), not \u escapes: the answer is application/json for apps, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly XmlWriterSettings XmlOptions = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
    };

    /// <summary>A list answer (<c>[...]</c> in JSON).</summary>
    public static Open311Document List(string root, string item, IReadOnlyList<Open311Object> items) => new(root, new Open311List(item, items));

    /// <summary>A single-object answer (<c>{...}</c> in JSON).</summary>
    public static Open311Document Single(string root, Open311Object body) => new(root, body);

    /// <summary>The specification's error answer: <c>[{"code": 400, "description": "..."}]</c> /
    /// <c>&lt;errors&gt;&lt;error&gt;&lt;code&gt;...</c>.</summary>
    public static Open311Document Errors(int code, IEnumerable<string> descriptions) =>
        List("errors", "error", descriptions.Select(d => new Open311Object().Add("code", code).Add("description", d)).ToList());

    public static string ContentType(Open311Format format) => format == Open311Format.Xml ? XmlType : JsonType;

    public byte[] Encode(Open311Format format)
    {
        using var buffer = new MemoryStream();
        if (format == Open311Format.Xml)
        {
            using var xml = XmlWriter.Create(buffer, XmlOptions);
            xml.WriteStartDocument();
            xml.WriteStartElement(Root);
            if (Body is Open311List list)
            {
                WriteXmlItems(xml, list);
            }
            else
            {
                WriteXmlFields(xml, (Open311Object)Body);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        else
        {
            using var json = new Utf8JsonWriter(buffer, JsonOptions);
            WriteJson(json, Body);
        }

        return buffer.ToArray();
    }

    private static void WriteJson(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int number:
                json.WriteNumberValue(number);
                break;
            case double number:
                json.WriteNumberValue(number);
                break;
            case Open311List list:
                json.WriteStartArray();
                foreach (var item in list.Items)
                {
                    WriteJson(json, item);
                }

                json.WriteEndArray();
                break;
            case Open311Object fields:
                json.WriteStartObject();
                foreach (var (name, field) in fields)
                {
                    json.WritePropertyName(name);
                    WriteJson(json, field);
                }

                json.WriteEndObject();
                break;
            default:
                throw new InvalidOperationException($"No GeoReport encoding for {value.GetType()}.");
        }
    }

    private static void WriteXmlItems(XmlWriter xml, Open311List list)
    {
        foreach (var item in list.Items)
        {
            xml.WriteStartElement(list.Item);
            WriteXmlFields(xml, item);
            xml.WriteEndElement();
        }
    }

    private static void WriteXmlFields(XmlWriter xml, Open311Object fields)
    {
        foreach (var (name, value) in fields)
        {
            xml.WriteStartElement(name);
            switch (value)
            {
                case null:
                    break;
                case Open311List list:
                    WriteXmlItems(xml, list);
                    break;
                case bool flag:
                    xml.WriteString(flag ? "true" : "false");
                    break;
                case IFormattable number:
                    xml.WriteString(number.ToString(null, CultureInfo.InvariantCulture));
                    break;
                default:
                    xml.WriteString(XmlSafe(value.ToString()!));
                    break;
            }

            xml.WriteEndElement();
        }
    }

    /// <summary>Text with the characters XML 1.0 cannot carry (most control characters, lone surrogates) replaced by
    /// U+FFFD: a stored description may hold them, and the document must stay well-formed.</summary>
    private static string XmlSafe(string text)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var pair = i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]);
            if (pair || XmlConvert.IsXmlChar(text[i]))
            {
                builder?.Append(text, i, pair ? 2 : 1);
                i += pair ? 1 : 0;
                continue;
            }

            builder ??= new StringBuilder(text.Length).Append(text, 0, i);
            builder.Append('\uFFFD');
        }

        return builder?.ToString() ?? text;
    }
}
