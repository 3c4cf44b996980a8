using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;

namespace CityBrain.Grpc.Tests.Protocol;

[Collection(GrpcServerCollection.Name)]
public sealed class MetadataTests(GrpcTestServer server)
{
    [Fact]
    public async Task Metadata_AsciiAndBinaryHeaders_EchoedInResponseHeadersAndTrailers()
    {
        var binary = new byte[] { 0, 1, 2, 250, 255, 10, 13 };
        var headers = new Metadata
        {
            { "echo-text", "value 1" },
            { "echo-data-bin", binary },
        };

        using var call = server.Client.MetadataAsync(new EchoRequest(), headers);
        var responseHeaders = await call.ResponseHeadersAsync;
        var reply = await call;

        Assert.Equal("value 1", responseHeaders.GetValue("echo-text"));
        Assert.Equal(binary, responseHeaders.GetValueBytes("echo-data-bin"));
        Assert.Equal("value 1", call.GetTrailers().GetValue("trailer-echo-text"));
        Assert.Equal(binary, call.GetTrailers().GetValueBytes("trailer-echo-data-bin"));
        Assert.StartsWith("ipv4:127.0.0.1:", reply.Text, StringComparison.Ordinal);
        Assert.EndsWith("|/citybrain.grpctest.v1.TestService/Metadata", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_BinaryHeaderOnTheWire_IsUnpaddedBase64()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var request = RawGrpc.Request(server.Http2Address, "/citybrain.grpctest.v1.TestService/Metadata", RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("echo-raw-bin", "AAEC");
        request.Headers.TryAddWithoutValidation("echo-padded-bin", "AQ==");

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(StatusCode.OK, response.GrpcStatus);
        Assert.Equal("AAEC", RawGrpc.RawResponse.Get(response.Headers, "echo-raw-bin"));
        Assert.Equal("AQ", RawGrpc.RawResponse.Get(response.Headers, "echo-padded-bin"));
    }

    [Fact]
    public void Entry_UppercaseKey_Lowercased()
    {
        var entry = new Metadata.Entry("X-Request-Id", "1");

        Assert.Equal("x-request-id", entry.Key);
        Assert.False(entry.IsBinary);
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("grpc-status")]
    [InlineData("")]
    public void Entry_InvalidKey_Throws(string key) =>
        Assert.ThrowsAny<ArgumentException>(() => new Metadata.Entry(key, "v"));

    [Fact]
    public void Entry_BinaryValueWithoutBinSuffix_Throws() =>
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("data", [1]));

    [Fact]
    public void Entry_NonAsciiValue_Throws() =>
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("name", "é"));

    [Fact]
    public void Empty_Add_ThrowsBecauseReadOnly() =>
        Assert.Throws<InvalidOperationException>(() => Metadata.Empty.Add("a", "b"));
}
