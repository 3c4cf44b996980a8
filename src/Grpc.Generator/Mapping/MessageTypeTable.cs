using System.Collections.Generic;
using CityBrain.Grpc.Generator.Parsing;

namespace CityBrain.Grpc.Generator.Mapping;

/// <summary>Every message known to the generator (the well-known types and those of all .proto additional files), by full protobuf name.</summary>
internal sealed class MessageTypeTable
{
    private static readonly string[] WellKnownTypes =
    {
        "Any", "Api", "BoolValue", "BytesValue", "DoubleValue", "Duration", "Empty", "Enum", "EnumValue", "Field",
        "FieldMask", "FloatValue", "Int32Value", "Int64Value", "ListValue", "Method", "Mixin", "Option",
        "SourceContext", "StringValue", "Struct", "Timestamp", "Type", "UInt32Value", "UInt64Value", "Value",
    };

    private readonly Dictionary<string, MessageType> _types = new Dictionary<string, MessageType>();

    public MessageTypeTable(IEnumerable<ProtoFile> files)
    {
        foreach (var name in WellKnownTypes)
        {
            Add("google.protobuf", "Google.Protobuf.WellKnownTypes", name);
        }

        foreach (var file in files)
        {
            var ns = ProtoNaming.GetNamespace(file.Package, file.CSharpNamespace);
            foreach (var message in file.Messages)
            {
                Add(file.Package, ns, message);
            }
        }
    }

    /// <summary>Resolves a type reference as protobuf does: a leading dot is absolute, otherwise innermost package scope first.</summary>
    public MessageType? Resolve(string reference, string package)
    {
        if (reference.StartsWith(".", System.StringComparison.Ordinal))
        {
            return Find(reference.Substring(1));
        }

        var scope = package;
        while (true)
        {
            var candidate = scope.Length == 0 ? reference : scope + "." + reference;
            var found = Find(candidate);
            if (found is not null || scope.Length == 0)
            {
                return found;
            }

            var dot = scope.LastIndexOf('.');
            scope = dot < 0 ? string.Empty : scope.Substring(0, dot);
        }
    }

    private MessageType? Find(string protoName) => _types.TryGetValue(protoName, out var type) ? type : null;

    private void Add(string package, string ns, string relativeName)
    {
        var protoName = package.Length == 0 ? relativeName : package + "." + relativeName;
        var prefix = ns.Length == 0 ? string.Empty : ns + ".";
        var csharp = "global::" + prefix + ProtoNaming.GetNestedTypeName(relativeName, ".");
        var metadata = prefix + ProtoNaming.GetNestedTypeName(relativeName, "+");
        _types[protoName] = new MessageType(protoName, csharp, metadata);
    }
}
