namespace CityBrain.Grpc.Generator.Mapping;

/// <summary>A protobuf message and the C# type protoc generates for it.</summary>
internal sealed class MessageType
{
    public MessageType(string protoName, string csharpName, string metadataName)
    {
        ProtoName = protoName;
        CSharpName = csharpName;
        MetadataName = metadataName;
    }

    /// <summary>The fully qualified protobuf name without a leading dot.</summary>
    public string ProtoName { get; }

    /// <summary>The C# type as written in code, with <c>global::</c>.</summary>
    public string CSharpName { get; }

    /// <summary>The CLR metadata name (nested types joined by '+'), for lookups in the compilation.</summary>
    public string MetadataName { get; }
}
