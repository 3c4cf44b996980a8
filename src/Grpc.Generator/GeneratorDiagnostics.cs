using Microsoft.CodeAnalysis;

namespace CityBrain.Grpc.Generator;

/// <summary>The diagnostics of the gRPC generator.</summary>
internal static class GeneratorDiagnostics
{
    private const string Category = "CityBrain.Grpc.Generator";

    public static readonly DiagnosticDescriptor ParseError = new DiagnosticDescriptor(
        "CBGRPC001",
        "Cannot read .proto file",
        "Cannot read {0}: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownMessage = new DiagnosticDescriptor(
        "CBGRPC002",
        "Cannot map a message type of a gRPC service",
        "Cannot generate service {0}: rpc {1} uses message type '{2}', which is not declared in any .proto file of AdditionalFiles nor a well-known type. Add the .proto file that declares it to both <Protobuf> and <AdditionalFiles>.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MissingCSharpType = new DiagnosticDescriptor(
        "CBGRPC003",
        "The C# type of a message is missing",
        "Cannot generate service {0}: rpc {1} maps message '{2}' to C# type '{3}', which the compilation does not contain. Compile the .proto file with <Protobuf Include=... GrpcServices=\"None\" /> (or reference the project that does).",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
