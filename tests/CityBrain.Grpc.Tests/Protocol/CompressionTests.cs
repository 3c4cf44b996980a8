using System.IO.Compression;
using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Google.Protobuf;

namespace CityBrain.Grpc.Tests.Protocol;

[Collection(GrpcServerCollection.Name)]
public sealed class CompressionTests(GrpcTestServer server)
{
    private const string EchoPath = "/citybrain.grpctest.v1.TestService/Echo";

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    [Fact]
    public async Task Request_GzipFrameWithEncodingHeader_DecompressedAndServed()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var payload = Gzip(new EchoRequest { Text = "zipped" }.ToByteArray());
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(payload, compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal("zipped", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
        Assert.Equal(0, response.Body[0]);
    }

    [Fact]
    public async Task Request_CorruptGzip_InternalAndServerKeepsServing()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Request_GzipBombOverReceiveLimit_ResourceExhausted()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var inflated = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcTestServer.MaxReceiveMessageSize * 4]) }.ToByteArray();
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(Gzip(inflated), compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
    }

    [Fact]
    public async Task Channel_GzipCompression_RoundTripsLargeMessages()
    {
        using var channel = GrpcChannel.ForAddress(server.Http2Address, new GrpcChannelOptions { CompressionAlgorithm = "gzip" });
        var client = new TestService.TestServiceClient(channel);
        var text = new string('a', 50_000);

        var reply = await client.EchoAsync(new EchoRequest { Text = text });

        Assert.Equal(text, reply.Text);
    }

    [Fact]
    public async Task Response_HandlerAsksForGzipAndClientAccepts_ResponseCompressed()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest { Text = "compress" }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal("gzip", RawGrpc.RawResponse.Get(response.Headers, "grpc-encoding"));
        Assert.Equal(1, response.Body[0]);
        using var inflate = new GZipStream(new MemoryStream(response.Body, 5, response.Body.Length - 5), CompressionMode.Decompress);
        Assert.Equal("compress", EchoReply.Parser.ParseFrom(inflate).Text);
    }

    [Fact]
    public async Task Response_HandlerAsksForGzipButClientDoesNotAccept_SentUncompressed()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var request = RawGrpc.Request(server.Http2Address, EchoPath, RawGrpc.Frame(new EchoRequest { Text = "compress" }));

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal(0, response.Body[0]);
        Assert.Equal("compress", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task Client_CompressedResponse_Decompressed()
    {
        var reply = await server.Client.EchoAsync(new EchoRequest { Text = "compress" });

        Assert.Equal("compress", reply.Text);
    }
}
