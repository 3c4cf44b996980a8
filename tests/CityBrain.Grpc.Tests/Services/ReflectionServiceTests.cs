using CityBrain.Grpc.Reflection.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Google.Protobuf.Reflection;
using V1Alpha = CityBrain.Grpc.Reflection.V1Alpha;

namespace CityBrain.Grpc.Tests.Services;

[Collection(GrpcServerCollection.Name)]
public sealed class ReflectionServiceTests(GrpcTestServer server)
{
    private async Task<ServerReflectionResponse> AskAsync(ServerReflectionRequest request)
    {
        using var call = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNextAsync());
        var response = call.ResponseStream.Current;
        Assert.False(await call.ResponseStream.MoveNextAsync());
        return response;
    }

    [Fact]
    public async Task ListServices_V1_ListsMappedServices()
    {
        var response = await AskAsync(new ServerReflectionRequest { ListServices = "*" });

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("citybrain.grpctest.v1.TestService", names);
        Assert.Contains("citybrain.interop.v1.Interop", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Fact]
    public async Task FileContainingSymbol_Service_ReturnsFileWithDependencies()
    {
        var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = "citybrain.grpctest.v1.TestService" });

        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        Assert.Equal("test.proto", files[0].Name);
        Assert.Contains(files[0].Service, s => s.Name == "TestService" && s.Method.Any(m => m.Name == "Duplex" && m.ClientStreaming && m.ServerStreaming));
        Assert.Contains(files, f => f.Name == "google/protobuf/empty.proto");
        Assert.Contains(files, f => f.Name == "common.proto");
    }

    [Theory]
    [InlineData("citybrain.grpctest.v1.TestService.Echo")]
    [InlineData("citybrain.grpctest.v1.Outer.Inner")]
    [InlineData(".citybrain.grpctest.v1.EchoRequest")]
    public async Task FileContainingSymbol_MethodsAndNestedMessages_Found(string symbol)
    {
        var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });

        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        Assert.Equal("test.proto", FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }

    [Fact]
    public async Task FileByFilename_HealthProto_ReturnsCanonicalFile()
    {
        var response = await AskAsync(new ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        var file = FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("grpc.health.v1", file.Package);
    }

    [Fact]
    public async Task FileContainingSymbol_Unknown_ErrorResponseNotFound()
    {
        var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = "no.Such" });

        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
        Assert.Equal("no.Such", response.OriginalRequest.FileContainingSymbol);
    }

    [Fact]
    public async Task ListServices_V1Alpha_SameAnswer()
    {
        using var call = new V1Alpha.ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = "citybrain.interop.v1.Interop" });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "citybrain.grpctest.v1.TestService");
        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Equal("interop.proto", FileDescriptorProto.Parser.ParseFrom(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }
}
