namespace CityBrain.Grpc.Tests.Generator;

public sealed class GrpcServiceGeneratorTests
{
    // Mirrors test.proto (package and file name) so the generated code binds to the messages protoc built for this project.
    private const string MirrorProto = """
        syntax = "proto3";
        package citybrain.grpctest.v1;
        import "google/protobuf/empty.proto";
        /* block comment with service Fake { } inside */
        message EchoRequest { string text = 1; }
        message EchoReply { string text = 1; }
        message Outer { message Inner { string value = 1; } Inner inner = 1; }
        service Generated {
          option deprecated = false;
          rpc Unary (EchoRequest) returns (EchoReply);
          rpc Down (.citybrain.grpctest.v1.EchoRequest) returns (stream EchoReply) { option deprecated = false; }
          rpc Up (stream EchoRequest) returns (google.protobuf.Empty);
          rpc Both (stream Outer.Inner) returns (stream citybrain.grpctest.common.CommonMessage);
        }
        """;

    private const string CommonProto = """
        syntax = "proto3";
        package citybrain.grpctest.common;
        option csharp_namespace = "CityBrain.Grpc.Tests.Common";
        message CommonMessage { string value = 1; }
        """;

    [Fact]
    public void Generate_AllCallShapes_CompilesAgainstProtocTypes()
    {
        var result = GeneratorHarness.Run(("/protos/test.proto", MirrorProto), ("/protos/common.proto", CommonProto));

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompileErrors);
        var source = Assert.Single(result.Sources, s => s.Contains("class Generated", StringComparison.Ordinal));
        Assert.Contains("namespace Citybrain.Grpctest.V1", source, StringComparison.Ordinal);
        Assert.Contains("public const string ServiceName = \"citybrain.grpctest.v1.Generated\";", source, StringComparison.Ordinal);
        Assert.Contains("global::Citybrain.Grpctest.V1.TestReflection.Descriptor", source, StringComparison.Ordinal);
        Assert.Contains("Method<global::Citybrain.Grpctest.V1.Outer.Types.Inner, global::CityBrain.Grpc.Tests.Common.CommonMessage>", source, StringComparison.Ordinal);
        Assert.Contains("global::Google.Protobuf.WellKnownTypes.Empty", source, StringComparison.Ordinal);
        Assert.Contains("MethodType.DuplexStreaming", source, StringComparison.Ordinal);
        Assert.Contains("public abstract partial class GeneratedBase", source, StringComparison.Ordinal);
        Assert.Contains("public partial class GeneratedClient", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_UnknownMessageType_ReportsCbgrpc002AtTheRpc()
    {
        const string proto = """
            syntax = "proto3";
            package citybrain.grpctest.v1;
            message EchoRequest { string text = 1; }
            service Broken {
              rpc Fine (EchoRequest) returns (EchoRequest);
              rpc Bad (EchoRequest) returns (NoSuchReply);
            }
            """;

        var result = GeneratorHarness.Run(("/protos/test.proto", proto));

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("CBGRPC002", diagnostic.Id);
        Assert.Contains("NoSuchReply", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("Broken", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(5, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.DoesNotContain(result.Sources, s => s.Contains("class Broken", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_MessageWithoutCSharpType_ReportsCbgrpc003()
    {
        const string proto = """
            syntax = "proto3";
            package nowhere.v1;
            message Ghost { }
            service Haunted { rpc Boo (Ghost) returns (Ghost); }
            """;

        var result = GeneratorHarness.Run(("/protos/ghost.proto", proto));

        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "CBGRPC003" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("global::Nowhere.V1.Ghost", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_UnreadableProto_ReportsCbgrpc001()
    {
        var result = GeneratorHarness.Run(("/protos/bad.proto", "syntax = \"proto3\";\nservice { rpc"));

        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "CBGRPC001");
    }

    [Fact]
    public void Generate_ProtoWithoutServices_GeneratesNothing()
    {
        var result = GeneratorHarness.Run(("/protos/common.proto", CommonProto));

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.Sources);
    }
}
