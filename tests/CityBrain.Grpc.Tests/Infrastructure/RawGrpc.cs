using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>Hand-built gRPC requests over a plain <see cref="HttpClient"/>, for malformed and edge-case traffic.</summary>
public static class RawGrpc
{
    public static HttpClient CreateHttp2Client() => new(new SocketsHttpHandler { UseProxy = false })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static byte[] Frame(IMessage message, bool compressedFlag = false) => Frame(message.ToByteArray(), compressedFlag);

    public static byte[] Frame(byte[] payload, bool compressedFlag = false, int? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? payload.Length));
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static HttpRequestMessage Request(Uri server, string path, byte[] body, string contentType = "application/grpc", Version? version = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Content = content,
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>Sends the request and reads the whole response, trailers included.</summary>
    public static async Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new RawResponse(response.StatusCode, response.Headers, response.Content.Headers, response.TrailingHeaders, body);
    }

    public sealed record RawResponse(
        HttpStatusCode HttpStatus,
        HttpResponseHeaders Headers,
        HttpContentHeaders ContentHeaders,
        HttpResponseHeaders Trailers,
        byte[] Body)
    {
        /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
        public StatusCode? GrpcStatus =>
            Get(Trailers, "grpc-status") is { } trailer ? (StatusCode)int.Parse(trailer)
            : Get(Headers, "grpc-status") is { } header ? (StatusCode)int.Parse(header) : null;

        public string? RawGrpcMessage => Get(Trailers, "grpc-message") ?? Get(Headers, "grpc-message");

        public bool IsTrailersOnly => Get(Headers, "grpc-status") is not null && Body.Length == 0;

        public static string? Get(HttpHeaders headers, string name) =>
            headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
    }
}
