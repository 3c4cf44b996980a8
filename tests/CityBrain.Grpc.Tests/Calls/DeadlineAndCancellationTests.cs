using System.Net;
using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;

namespace CityBrain.Grpc.Tests.Calls;

[Collection(GrpcServerCollection.Name)]
public sealed class DeadlineAndCancellationTests(GrpcTestServer server)
{
    private static string NewSignal() => "signal-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Unary_DeadlineExpires_DeadlineExceededAndHandlerTokenFires()
    {
        var signal = NewSignal();
        var deadline = DateTime.UtcNow.AddSeconds(1);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.WaitForCancellationAsync(new EchoRequest { Signal = signal }, deadline: deadline).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal("cancelled", await server.Signals.WaitAsync(signal));
        var serverDeadline = DateTime.Parse(await server.Signals.WaitAsync(signal + ":started"), null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.InRange(serverDeadline, deadline.AddSeconds(-1), deadline.AddSeconds(1));
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Server_GrpcTimeoutHeader_ServerSendsDeadlineExceededItself()
    {
        // A raw client that does not enforce the deadline: the status must come from the server.
        using var http = RawGrpc.CreateHttp2Client();
        var signal = NewSignal();
        var request = RawGrpc.Request(server.Http2Address, "/citybrain.grpctest.v1.TestService/WaitForCancellation", RawGrpc.Frame(new EchoRequest { Signal = signal }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var response = await RawGrpc.SendAsync(http, request);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.Equal("cancelled", await server.Signals.WaitAsync(signal));
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Server_HandlerIgnoresCancellation_DeadlineExceededSentAnywayAndLateReplyDropped()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var signal = NewSignal();
        var request = RawGrpc.Request(server.Http2Address, "/citybrain.grpctest.v1.TestService/Stall", RawGrpc.Frame(new EchoRequest { Signal = signal }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var response = await RawGrpc.SendAsync(http, request);
        server.Signals.Raise(signal + ":release", "go");

        Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.Empty(response.Body);
        Assert.Equal("returned late", await server.Signals.WaitAsync(signal));
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Unary_DeadlineAlreadyPassed_DeadlineExceededWithoutReachingHandler()
    {
        var signal = NewSignal();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.WaitForCancellationAsync(new EchoRequest { Signal = signal }, deadline: DateTime.UtcNow.AddSeconds(-1)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.False(server.Signals.Get(signal + ":started").Task.IsCompleted);
    }

    [Fact]
    public async Task Duplex_DeadlineExpiresMidStream_ReaderGetsDeadlineExceeded()
    {
        var signal = NewSignal();
        using var call = server.Client.StreamUntilCancelled(deadline: DateTime.UtcNow.AddSeconds(2));
        await call.RequestStream.WriteAsync(new EchoRequest { Signal = signal });
        Assert.True(await call.ResponseStream.MoveNextAsync());

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNextAsync());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.StartsWith("cancelled", await server.Signals.WaitAsync(signal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_ClientCancels_CancelledAndHandlerTokenFires()
    {
        var signal = NewSignal();
        using var cts = new CancellationTokenSource();
        using var call = server.Client.WaitForCancellationAsync(new EchoRequest { Signal = signal }, cancellationToken: cts.Token);
        await server.Signals.WaitAsync(signal + ":started");

        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("cancelled", await server.Signals.WaitAsync(signal));
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task Duplex_ClientDisposesMidStream_ServerHandlerCancelledAndServerKeepsServing()
    {
        var signal = NewSignal();
        var call = server.Client.StreamUntilCancelled();
        await call.RequestStream.WriteAsync(new EchoRequest { Signal = signal });
        Assert.True(await call.ResponseStream.MoveNextAsync());
        await server.Signals.WaitAsync(signal + ":started");

        call.Dispose();

        Assert.StartsWith("cancelled", await server.Signals.WaitAsync(signal), StringComparison.Ordinal);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task RawClient_DisconnectsMidStream_HandlerCancelledAndServerKeepsServing()
    {
        var signal = NewSignal();
        using var http = RawGrpc.CreateHttp2Client();
        var content = new Infrastructure.FrameStreamContent();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Http2Address, "/citybrain.grpctest.v1.TestService/StreamUntilCancelled"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var abort = new CancellationTokenSource();
        var sending = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, abort.Token);
        await content.WriteAsync(RawGrpc.Frame(new EchoRequest { Signal = signal }));
        await server.Signals.WaitAsync(signal + ":started");

        await abort.CancelAsync();
        content.Abort();
        try
        {
            // Disposing a response whose stream is still open resets it (RST_STREAM).
            (await sending).Dispose();
        }
        catch (OperationCanceledException)
        {
        }

        Assert.StartsWith("cancelled", await server.Signals.WaitAsync(signal), StringComparison.Ordinal);
        await server.AssertServesNormalCallAsync();
    }
}
