using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace CityBrain.Gateway.Internal.Json;

/// <summary>
/// Checks a JSON request body against the proto message it must be (the proto3 JSON mapping JSON transcoding reads),
/// so that a body transcoding would refuse with its generic "Request JSON payload is not correctly formatted." is
/// refused with a message naming the place instead: <c>body: invalid JSON at line 1, position 34</c>,
/// <c>confidence: expected a number, got a string</c>, <c>status: unknown value 'X' (one of …)</c>. Field paths are the proto field names (as in every other INVALID_ARGUMENT
/// message), relative to the body. It only refuses what transcoding refuses too; where unsure (integer ranges, base64,
/// timestamp formats) it lets the body through and transcoding decides.
/// </summary>
internal static class JsonBodyCheck
{
    /// <summary>What is wrong with <paramref name="body"/> as JSON of <paramref name="message"/>, or null.</summary>
    public static string? Problem(ReadOnlyMemory<byte> body, MessageDescriptor message)
    {
        // A UTF-8 byte order mark is no JSON error of the caller's: skipped here, transcoding decides about it.
        if (body.Span.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            return Malformed(exception);
        }

        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? MessageProblem(document.RootElement, message, "")
                : $"body: expected a JSON object, got {Kind(document.RootElement)}";
        }
    }

    /// <summary>The 1-based line and byte position of a syntax error.</summary>
    public static string Malformed(JsonException exception) =>
        string.Create(CultureInfo.InvariantCulture, $"body: invalid JSON at line {(exception.LineNumber ?? 0) + 1}, position {(exception.BytePositionInLine ?? 0) + 1}");

    private static string? MessageProblem(JsonElement json, MessageDescriptor message, string prefix)
    {
        foreach (var property in json.EnumerateObject())
        {
            // An unknown field is ignored, as transcoding ignores it (a platform may send more than we read).
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            if (field is not null && FieldProblem(property.Value, field, prefix + field.Name) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? FieldProblem(JsonElement json, FieldDescriptor field, string path)
    {
        if (json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (field.IsMap)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                return Expected(path, "an object", json);
            }

            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in json.EnumerateObject())
            {
                if (ValueProblem(entry.Value, valueField, $"{path}.{entry.Name}") is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        if (field.IsRepeated)
        {
            if (json.ValueKind != JsonValueKind.Array)
            {
                return Expected(path, "an array", json);
            }

            var index = 0;
            foreach (var item in json.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Null && ValueProblem(item, field, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]")) is { } problem)
                {
                    return problem;
                }

                index++;
            }

            return null;
        }

        return ValueProblem(json, field, path);
    }

    /// <summary>One value of <paramref name="field"/>'s type (an element, for a repeated field).</summary>
    private static string? ValueProblem(JsonElement json, FieldDescriptor field, string path)
    {
        if (json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (field.FieldType)
        {
            case FieldType.String:
            case FieldType.Bytes:
                return json.ValueKind == JsonValueKind.String ? null : Expected(path, "a string", json);
            case FieldType.Bool:
                return json.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Expected(path, "true or false", json);
            case FieldType.Double:
            case FieldType.Float:
                return json.ValueKind == JsonValueKind.Number || (json.ValueKind == JsonValueKind.String && IsFloatingText(json.GetString()!))
                    ? null
                    : Expected(path, "a number", json);
            case FieldType.Enum:
                return EnumProblem(json, field.EnumType, path);
            case FieldType.Message:
            case FieldType.Group:
                return MessageValueProblem(json, field.MessageType, path);
            default:
                // The integer types: a JSON number, or a decimal string (how 64-bit integers travel).
                return json.ValueKind == JsonValueKind.Number || (json.ValueKind == JsonValueKind.String && IsIntegerText(json.GetString()!))
                    ? null
                    : Expected(path, "an integer", json);
        }
    }

    private static string? EnumProblem(JsonElement json, EnumDescriptor type, string path)
    {
        if (json.ValueKind == JsonValueKind.Number)
        {
            return null;
        }

        if (json.ValueKind != JsonValueKind.String)
        {
            return Expected(path, "the name of a value", json);
        }

        var name = json.GetString()!;
        return type.FindValueByName(name) is not null
            ? null
            : $"{path}: unknown value '{name}' (one of {string.Join(", ", type.Values.Select(v => v.Name))})";
    }

    /// <summary>A message, with the well-known types in their JSON forms; a form this check does not model is left to
    /// transcoding.</summary>
    private static string? MessageValueProblem(JsonElement json, MessageDescriptor type, string path)
    {
        switch (type.FullName)
        {
            case "google.protobuf.Timestamp":
            case "google.protobuf.Duration":
            case "google.protobuf.FieldMask":
                return json.ValueKind == JsonValueKind.String ? null : Expected(path, "a string", json);
            case "google.protobuf.Value":
                return null;
            case "google.protobuf.Struct":
            case "google.protobuf.Any":
            case "google.protobuf.Empty":
                return json.ValueKind == JsonValueKind.Object ? null : Expected(path, "an object", json);
            case "google.protobuf.ListValue":
                return json.ValueKind == JsonValueKind.Array ? null : Expected(path, "an array", json);
            case "google.protobuf.DoubleValue":
            case "google.protobuf.FloatValue":
            case "google.protobuf.Int64Value":
            case "google.protobuf.UInt64Value":
            case "google.protobuf.Int32Value":
            case "google.protobuf.UInt32Value":
            case "google.protobuf.BoolValue":
            case "google.protobuf.StringValue":
            case "google.protobuf.BytesValue":
                return ValueProblem(json, type.FindFieldByNumber(1), path);
            default:
                return json.ValueKind == JsonValueKind.Object ? MessageProblem(json, type, path + ".") : Expected(path, "an object", json);
        }
    }

    private static bool IsFloatingText(string text) =>
        text is "NaN" or "Infinity" or "-Infinity" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static bool IsIntegerText(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
        || ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Expected(string path, string what, JsonElement json) => $"{path}: expected {what}, got {Kind(json)}";

    private static string Kind(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => "null",
    };
}
