using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Intake;

/// <summary>
/// Traffic no generated client sends, written by hand over HTTP/2 to <c>EventIntake/Submit</c> with a valid feed token:
/// each gets a precise answer (an HTTP status or a gRPC status), nothing is written, and the server goes on serving.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class WireProtocolTests(GatewayServer server) : IDisposable
{
    private const string Submit = "/citybrain.v1.EventIntake/Submit";
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    private readonly string _source = Events.Source("wire");

    public static TheoryData<string, string, byte[], StatusCode> BrokenBodies() => new()
    {
        // name, content type, body, expected grpc-status
        { "a frame header cut short", "application/grpc", [0, 0, 0], StatusCode.Internal },
        { "a length prefix longer than the data", "application/grpc", Frame([8, 1], declaredLength: 40), StatusCode.Internal },

        // Grpc.AspNetCore parses the request before any interceptor runs and answers a parse failure as an exception
        // thrown by the handler (UNKNOWN); our own wire layer said INTERNAL. Both mean "do not retry this".
        { "bytes that are no SubmitRequest", "application/grpc", Frame([0xff, 0xff, 0xff, 0x0f, 0x02]), StatusCode.Unknown },
        { "no message for a unary method", "application/grpc", [], StatusCode.Internal },
        { "two messages for a unary method", "application/grpc", [.. Frame([]), .. Frame([])], StatusCode.Internal },
        { "the compressed flag without an encoding", "application/grpc", Frame([], compressed: true), StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Submit_BrokenBody_PreciseStatusNothingWrittenServerGoesOn(string what, string contentType, byte[] body, StatusCode expected)
    {
        var tail = await server.FeedTailAsync();

        using var response = await SendAsync(Request(Submit, body, contentType));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: HTTP {(int)response.StatusCode}");
        Assert.True(GrpcStatus(response) == expected, $"{what}: {GrpcStatus(response)}");
        await AssertNothingWrittenAndServingAsync(tail);
    }

    [Fact]
    public async Task Submit_OversizeMessage_ResourceExhaustedNothingWritten()
    {
        var tail = await server.FeedTailAsync();
        var huge = new SubmitRequest { Event = Events.Alert(server, _source) };
        huge.Event.Description = new string('x', 5 * 1024 * 1024);

        using var response = await SendAsync(Request(Submit, Frame(huge.ToByteArray())));

        Assert.Equal(StatusCode.ResourceExhausted, GrpcStatus(response));
        await AssertNothingWrittenAndServingAsync(tail);
    }

    [Fact]
    public async Task Submit_WrongContentType_Http415NothingWritten()
    {
        var tail = await server.FeedTailAsync();

        using var response = await SendAsync(Request(Submit, Frame(new SubmitRequest { Event = Events.Alert(server, _source) }.ToByteArray()), "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertNothingWrittenAndServingAsync(tail);
    }

    [Fact]
    public async Task Submit_OverHttp11_RefusedAtOnceNothingWritten()
    {
        var tail = await server.FeedTailAsync();
        var request = Request(Submit, Frame(new SubmitRequest { Event = Events.Alert(server, _source) }.ToByteArray()));
        request.Version = HttpVersion.Version11;

        // The gRPC port speaks HTTP/2 only (without TLS there is no negotiation): an HTTP/1.1 request is refused by
        // Kestrel before any handler runs, as a malformed HTTP/2 connection preface.
        var refused = await Record.ExceptionAsync(async () =>
        {
            using var response = await SendAsync(request);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(refused is null or HttpRequestException, $"{refused}");
        await AssertNothingWrittenAndServingAsync(tail);
    }

    [Theory]
    [InlineData("/citybrain.v1.EventIntake/NoSuchMethod")]
    [InlineData("/citybrain.v1.NoSuchService/Submit")]
    public async Task UnknownMethodOrService_Unimplemented(string path)
    {
        using var response = await SendAsync(Request(path, Frame([])));

        Assert.Equal(StatusCode.Unimplemented, GrpcStatus(response));
    }

    public void Dispose() => _http.Dispose();

    private async Task AssertNothingWrittenAndServingAsync(long tail)
    {
        Assert.Equal(tail, await server.FeedTailAsync());
        var ack = await server.For(Who.Feed(_source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, _source) });
        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
    }

    private HttpRequestMessage Request(string path, byte[] body, string contentType = "application/grpc")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, path))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(Who.Feed(_source)));
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        await response.Content.ReadAsByteArrayAsync();
        return response;
    }

    /// <summary>grpc-status from the trailers, or from the headers of a trailers-only response.</summary>
    private static StatusCode? GrpcStatus(HttpResponseMessage response) =>
        (response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer
            : response.Headers.TryGetValues("grpc-status", out var header) ? header : null)?.FirstOrDefault() is { } value
            ? (StatusCode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>A gRPC length-prefixed message; <paramref name="declaredLength"/> may lie about its length.</summary>
    private static byte[] Frame(byte[] payload, bool compressed = false, int? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? payload.Length));
        payload.CopyTo(frame, 5);
        return frame;
    }
}
