using System.Net;
using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Google.Protobuf;

namespace CityBrain.Grpc.Tests.Protocol;

/// <summary>Hand-built requests that break the protocol: each ends only its own call with the right status.</summary>
[Collection(GrpcServerCollection.Name)]
public sealed class MalformedRequestTests(GrpcTestServer server) : IDisposable
{
    private const string EchoPath = "/citybrain.grpctest.v1.TestService/Echo";
    private readonly HttpClient _http = RawGrpc.CreateHttp2Client();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Request_WrongContentType_Http415()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest()), "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Theory]
    [InlineData("application/grpc")]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task Request_GrpcContentTypeVariants_Accepted(string contentType)
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest { Text = "v" }), contentType));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal("application/grpc", response.ContentHeaders.ContentType?.MediaType);
    }

    [Fact]
    public async Task Request_OverHttp11_Http426WithExplanationNotAHang()
    {
        using var http1 = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var request = RawGrpc.Request(server.Http1Address, EchoPath, RawGrpc.Frame(new EchoRequest()), version: HttpVersion.Version11);

        var response = await RawGrpc.SendAsync(http1, request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.HttpStatus);
        Assert.Contains("requires HTTP/2", System.Text.Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_Http11ToHttp2OnlyEndpoint_RejectedAtOnce()
    {
        using var http1 = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest()), version: HttpVersion.Version11);

        var response = await RawGrpc.SendAsync(http1, request);

        Assert.Equal(HttpStatusCode.BadRequest, response.HttpStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_UnknownMethodOfKnownService_Unimplemented()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, "/citybrain.grpctest.v1.TestService/NoSuchMethod", RawGrpc.Frame(new EchoRequest())));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.True(response.IsTrailersOnly);
    }

    [Fact]
    public async Task Request_UnknownService_Unimplemented()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, "/no.such.Service/Method", RawGrpc.Frame(new EchoRequest())));

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_TruncatedFrameHeader_Internal()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, [0, 0, 0]));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_LengthPrefixLongerThanData_Internal()
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "short" }.ToByteArray(), declaredLength: 100);

        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, frame));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("Incomplete", response.RawGrpcMessage, StringComparison.Ordinal);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_InvalidProtobufBytes_Internal()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF])));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_NoMessageForUnaryMethod_Internal()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, []));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task Request_TwoMessagesForUnaryMethod_Internal()
    {
        var body = RawGrpc.Frame(new EchoRequest { Text = "1" }).Concat(RawGrpc.Frame(new EchoRequest { Text = "2" })).ToArray();

        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, body));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task Request_CompressedFlagWithoutEncoding_Internal()
    {
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest { Text = "x" }, compressedFlag: true)));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_UnsupportedEncoding_UnimplementedWithAcceptEncoding()
    {
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        var response = await RawGrpc.SendAsync(_http, request);

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains("gzip", RawGrpc.RawResponse.Get(response.Headers, "grpc-accept-encoding"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_MessageOverReceiveLimit_ResourceExhausted()
    {
        var big = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcTestServer.MaxReceiveMessageSize + 1]) };

        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(big)));

        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_HeaderAnnouncesHugeMessage_ResourceExhaustedWithoutBuffering()
    {
        // Only the header is sent: the limit must be enforced from the length prefix alone.
        var response = await RawGrpc.SendAsync(_http, RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame([], declaredLength: int.MaxValue)));

        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
    }

    [Fact]
    public async Task Client_MessageOverServerLimit_ResourceExhaustedThroughClient()
    {
        var big = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcTestServer.MaxReceiveMessageSize * 2]) };

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.EchoAsync(big).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Client_ResponseOverClientLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(server.Http2Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });
        var client = new TestService.TestServiceClient(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Client_RequestOverSendLimit_ResourceExhaustedWithoutSending()
    {
        using var channel = GrpcChannel.ForAddress(server.Http2Address, new GrpcChannelOptions { MaxSendMessageSize = 16 });
        var client = new TestService.TestServiceClient(channel);
        var before = server.Interceptor.Calls;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { Text = new string('x', 100) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(before, server.Interceptor.Calls);
    }
}
