using CityBrain.Grpc.Internal.Protocol;
using CityBrain.Grpc.Internal.Server;

namespace CityBrain.Grpc.Tests.Protocol;

public sealed class ProtocolPrimitivesTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("100u", 1_000L)]
    [InlineData("99999999n", 999_999L)]
    public void TryParse_ValidTimeout_Parsed(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("1x")]
    public void TryParse_InvalidTimeout_Rejected(string header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(0.5)]
    [InlineData(250)]
    [InlineData(30_000)]
    [InlineData(86_400_000)]
    public void Format_Timeout_AtMostEightDigitsAndNotShorter(double milliseconds)
    {
        var timeout = TimeSpan.FromMilliseconds(milliseconds);

        var header = GrpcTimeout.Format(timeout);

        Assert.InRange(header.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(header, out var parsed));
        Assert.True(parsed >= timeout, $"{header} is shorter than {timeout}");
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("é\n", "%C3%A9%0A")]
    public void Encode_GrpcMessage_PercentEncodesOutsidePrintableAscii(string value, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.Encode(value));
        Assert.Equal(value, PercentEncoding.Decode(encoded));
    }

    [Fact]
    public void Decode_MalformedEscape_KeptVerbatim() =>
        Assert.Equal("50%z and %4", PercentEncoding.Decode("50%z and %4"));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc;charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpcContentType_Values_Classified(string? contentType, bool expected) =>
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));

    [Fact]
    public void Options_Defaults_FourMebibyteReceiveLimitAndNoCompression()
    {
        var options = new GrpcServerOptions();

        Assert.Equal(4 * 1024 * 1024, options.MaxReceiveMessageSize);
        Assert.Null(options.ResponseCompressionAlgorithm);
        Assert.False(options.EnableDetailedErrors);
    }

    [Fact]
    public void Validate_BadOptions_FailsWithEveryProblem()
    {
        var options = new GrpcServerOptions { MaxReceiveMessageSize = 0, MaxSendMessageSize = -1, ResponseCompressionAlgorithm = "br" };

        var result = new GrpcServerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public async Task Start_InvalidOptions_HostRefusesToStart()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Infrastructure.GrpcTestServer.StartAsync(_ => { }, _ => { }, o => o.MaxReceiveMessageSize = -5));

        Assert.Contains("MaxReceiveMessageSize", ex.Message, StringComparison.Ordinal);
    }
}
