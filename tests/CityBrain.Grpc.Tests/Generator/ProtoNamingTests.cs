using CityBrain.Grpc.Generator.Emit;
using CityBrain.Grpc.Generator.Mapping;
using CityBrain.Grpc.Generator.Parsing;

namespace CityBrain.Grpc.Tests.Generator;

public sealed class ProtoNamingTests
{
    [Theory]
    [InlineData("citybrain.v1", null, "Citybrain.V1")]
    [InlineData("my_pkg.v1beta2", null, "MyPkg.V1Beta2")]
    [InlineData("grpc.health.v1", "CityBrain.Grpc.Health.V1", "CityBrain.Grpc.Health.V1")]
    [InlineData("", null, "")]
    public void GetNamespace_PackageAndOption_MatchesProtoc(string package, string? option, string expected) =>
        Assert.Equal(expected, ProtoNaming.GetNamespace(package, option));

    [Theory]
    [InlineData("protos/test.proto", "TestReflection")]
    [InlineData("/a/b/my_file-v2.proto", "MyFileV2Reflection")]
    [InlineData("grpc/health/v1/health.proto", "HealthReflection")]
    public void GetReflectionClassName_FileName_MatchesProtoc(string path, string expected) =>
        Assert.Equal(expected, ProtoNaming.GetReflectionClassName(path));

    [Fact]
    public void Resolve_RelativeNameInNestedPackage_SearchesOuterScopes()
    {
        var outer = ProtoParser.Parse("a.proto", "package a; message Shared { message Child {} }");
        var inner = ProtoParser.Parse("b.proto", "package a.b.c; message Local {}");
        var table = new MessageTypeTable([outer, inner]);

        Assert.Equal("global::A.Shared.Types.Child", table.Resolve("Shared.Child", "a.b.c")?.CSharpName);
        Assert.Equal("A.Shared+Types+Child", table.Resolve(".a.Shared.Child", "x")?.MetadataName);
        Assert.Equal("global::A.B.C.Local", table.Resolve("Local", "a.b.c")?.CSharpName);
        Assert.Equal("global::Google.Protobuf.WellKnownTypes.Timestamp", table.Resolve("google.protobuf.Timestamp", "a")?.CSharpName);
        Assert.Null(table.Resolve("Local", "a"));
    }

    [Fact]
    public void Parse_Proto2GroupsOneofsAndOptions_FindsNestedMessagesAndRpcs()
    {
        const string text = """
            syntax = "proto2";
            package p;
            option csharp_namespace = "Custom.Ns";
            import public "other.proto";
            message M {
              optional group Result = 1 { optional string url = 2; }
              oneof choice { string a = 3; int32 b = 4; }
              map<string, M> children = 5 [deprecated = true];
              enum Kind { A = 0; }
              reserved 10 to 20;
            }
            service S { rpc Call (stream M.Result) returns (stream M); }
            """;

        var file = ProtoParser.Parse("x.proto", text);

        Assert.Equal("Custom.Ns", file.CSharpNamespace);
        Assert.Equal(["other.proto"], file.Imports);
        Assert.Equal(["M", "M.Result"], file.Messages);
        var rpc = Assert.Single(Assert.Single(file.Services).Rpcs);
        Assert.True(rpc.ClientStreaming && rpc.ServerStreaming);
        Assert.Equal("M.Result", rpc.RequestType);
    }

    [Theory]
    [InlineData(null, null, true, true, true)]
    [InlineData("Server", "Internal", true, false, false)]
    [InlineData("client", "public", false, true, true)]
    [InlineData("None", null, false, false, true)]
    public void GenerationOptions_ItemMetadata_Interpreted(string? services, string? access, bool server, bool client, bool isPublic)
    {
        var options = GenerationOptions.From(services, access);

        Assert.Equal((server, client, isPublic), (options.Server, options.Client, options.IsPublic));
    }
}
