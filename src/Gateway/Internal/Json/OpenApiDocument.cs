using System.Text.Json.Nodes;
using CityBrain.Gateway.Api;
using Google.Api;
using Google.Protobuf.Reflection;

namespace CityBrain.Gateway.Internal.Json;

/// <summary>
/// The OpenAPI 3.0 document of the API's JSON routes, built from the same descriptors JSON transcoding serves: every
/// method with a <c>google.api.http</c> rule becomes a path and verb (path fields as path parameters, the other
/// scalar fields of a GET as query parameters, the body as the rule says), every message a schema named by its full
/// proto name with its JSON field names. Microsoft.AspNetCore.OpenApi does not see transcoded endpoints
/// (dotnet/aspnetcore#58010), so the document is built here.
/// </summary>
internal static class OpenApiDocument
{
    private static readonly ServiceDescriptor[] Services =
        [EventIntake.Descriptor, Dispatch.Descriptor, Query.Descriptor, Drills.Descriptor, Admin.Descriptor];

    private static readonly Lazy<string> Text = new(() => Build().ToJsonString());

    /// <summary>The document as JSON (built once).</summary>
    public static string Json => Text.Value;

    private static JsonObject Build()
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var service in Services)
        {
            foreach (var method in service.Methods)
            {
                if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
                {
                    continue;
                }

                foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
                {
                    var (verb, template) = Route(binding);
                    var path = paths[template] as JsonObject ?? new JsonObject();
                    paths[template] = path;
                    path[verb] = Operation(service, method, binding, template, schemas);
                }
            }
        }

        schemas["citybrain.Error"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A refusal: the gRPC status code, a message naming the field where there is one.",
            ["properties"] = new JsonObject
            {
                ["code"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "gRPC status code" },
                ["message"] = new JsonObject { ["type"] = "string" },
                ["details"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
            },
        };

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "CityBrain citybrain.v1 (HTTP/JSON)",
                ["version"] = "v1",
                ["description"] = "The gRPC API of the command center as JSON (gRPC JSON transcoding). Field names are the proto fields in lowerCamelCase; enums by name; int64 as strings; timestamps as RFC 3339.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
    }

    private static (string Verb, string Template) Route(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("get", rule.Get),
        HttpRule.PatternOneofCase.Post => ("post", rule.Post),
        HttpRule.PatternOneofCase.Put => ("put", rule.Put),
        HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
        HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
        _ => throw new InvalidOperationException($"Unsupported HTTP rule {rule.PatternCase}."),
    };

    private static JsonObject Operation(ServiceDescriptor service, MethodDescriptor method, HttpRule rule, string template, JsonObject schemas)
    {
        var pathFields = PathFields(template);
        var parameters = new JsonArray();
        foreach (var name in pathFields)
        {
            var field = method.InputType.FindFieldByName(name);
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = Schema(field, schemas) });
        }

        if (rule.Body.Length == 0)
        {
            foreach (var field in method.InputType.Fields.InFieldNumberOrder())
            {
                if (!pathFields.Contains(field.Name) && field.FieldType is not FieldType.Message and not FieldType.Group && !field.IsMap)
                {
                    parameters.Add(new JsonObject { ["name"] = field.JsonName, ["in"] = "query", ["schema"] = Schema(field, schemas) });
                }
            }
        }

        var operation = new JsonObject
        {
            ["operationId"] = $"{service.Name}_{method.Name}",
            ["tags"] = new JsonArray(service.Name),
            ["summary"] = $"{service.FullName}.{method.Name}" + (method.IsServerStreaming ? " (newline-delimited JSON objects, one per message)" : ""),
            ["parameters"] = parameters,
        };
        if (rule.Body.Length > 0)
        {
            var body = rule.Body == "*" ? Reference(method.InputType, schemas) : Schema(method.InputType.FindFieldByName(rule.Body), schemas);
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = body } },
            };
        }

        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(method.OutputType, schemas) } },
            },
            ["default"] = new JsonObject
            {
                ["description"] = "A refusal (400 invalid argument or failed precondition, 401, 403, 404, 429, 503 retry)",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/citybrain.Error" } } },
            },
        };
        return operation;
    }

    private static HashSet<string> PathFields(string template)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        for (var start = template.IndexOf('{', StringComparison.Ordinal); start >= 0; start = template.IndexOf('{', start + 1))
        {
            var end = template.IndexOf('}', start);
            fields.Add(template[(start + 1)..end].Split('=')[0]);
        }

        return fields;
    }

    private static JsonObject Reference(MessageDescriptor message, JsonObject schemas)
    {
        if (WellKnown(message) is { } known)
        {
            return known;
        }

        if (!schemas.ContainsKey(message.FullName))
        {
            var properties = new JsonObject();
            schemas[message.FullName] = new JsonObject { ["type"] = "object", ["properties"] = properties };
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                properties[field.JsonName] = Schema(field, schemas);
            }
        }

        return new JsonObject { ["$ref"] = "#/components/schemas/" + message.FullName };
    }

    private static JsonObject Schema(FieldDescriptor field, JsonObject schemas)
    {
        if (field.IsMap)
        {
            var value = field.MessageType.FindFieldByNumber(2);
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Single(value, schemas) };
        }

        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = Single(field, schemas) } : Single(field, schemas);
    }

    private static JsonObject Single(FieldDescriptor field, JsonObject schemas) => field.FieldType switch
    {
        FieldType.String => new JsonObject { ["type"] = "string" },
        FieldType.Bytes => new JsonObject { ["type"] = "string", ["format"] = "byte" },
        FieldType.Bool => new JsonObject { ["type"] = "boolean" },
        FieldType.Double => new JsonObject { ["type"] = "number", ["format"] = "double" },
        FieldType.Float => new JsonObject { ["type"] = "number", ["format"] = "float" },
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        FieldType.UInt32 or FieldType.Fixed32 => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => new JsonObject { ["type"] = "string", ["format"] = "int64" },
        FieldType.Enum => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(field.EnumType.Values.Select(v => (JsonNode)v.Name).ToArray()) },
        _ => Reference(field.MessageType, schemas),
    };

    /// <summary>The JSON forms of the well-known types the API uses.</summary>
    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["description"] = "seconds with an 's' suffix, e.g. \"1.5s\"" },
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Value" => new JsonObject(),
        "google.protobuf.StringValue" => new JsonObject { ["type"] = "string" },
        "google.protobuf.BoolValue" => new JsonObject { ["type"] = "boolean" },
        "google.protobuf.Int32Value" => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        "google.protobuf.Int64Value" => new JsonObject { ["type"] = "string", ["format"] = "int64" },
        "google.protobuf.DoubleValue" => new JsonObject { ["type"] = "number", ["format"] = "double" },
        _ => null,
    };
}
