using System.Collections.Concurrent;
using CityBrain.Testing;
using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Grpc.Tests.Calls;

/// <summary>The server's exception-mapping hook: one place that turns handler exceptions into statuses.</summary>
public sealed class ExceptionMapperTests
{
    [Fact]
    public async Task HandlerThrows_MapperGivesTheStatusAndTrailers()
    {
        var mapper = new RecordingMapper(exception => exception is InvalidOperationException
            ? new RpcException(new Status(StatusCode.FailedPrecondition, "refused: " + exception.Message), new Metadata { { "reason", "state" } })
            : null);
        await using var server = await StartAsync(mapper);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.ThrowAsync(new EchoRequest { Text = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("refused: secret internal detail x", error.Status.Detail);
        Assert.Equal("state", error.Trailers.GetValue("reason"));
        Assert.Single(mapper.Seen);
    }

    [Fact]
    public async Task MapperDeclines_Unknown()
    {
        var mapper = new RecordingMapper(_ => null);
        await using var server = await StartAsync(mapper);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.ThrowAsync(new EchoRequest { Text = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(Assert.Single(mapper.Seen));
    }

    [Fact]
    public async Task MapperThrows_UnknownAndTheServerKeepsServing()
    {
        var mapper = new RecordingMapper(_ => throw new FormatException("mapper bug"));
        await using var server = await StartAsync(mapper);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.ThrowAsync(new EchoRequest { Text = "x" }).ResponseAsync);
        var echo = await server.Client.EchoAsync(new EchoRequest { Text = "still up" });

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("still up", echo.Text);
    }

    [Fact]
    public async Task DeadlinePasses_DeadlineExceededWithoutAskingTheMapper()
    {
        var clock = new ManualTimeProvider();
        var mapper = new RecordingMapper(_ => new RpcException(new Status(StatusCode.Aborted, "mapped")));
        await using var server = await StartAsync(mapper, clock);
        using var http = RawGrpc.CreateHttp2Client();
        var request = RawGrpc.Request(server.Address, "/citybrain.grpctest.v1.TestService/WaitForCancellation", RawGrpc.Frame(new EchoRequest { Signal = "mapped-deadline" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "5S");

        var sending = RawGrpc.SendAsync(http, request);
        await server.Signals.WaitAsync("mapped-deadline:started");
        clock.Advance(TimeSpan.FromSeconds(5));
        var response = await sending;

        Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.Equal("cancelled", await server.Signals.WaitAsync("mapped-deadline"));
        Assert.Empty(mapper.Seen);
    }

    private static async Task<MappedServer> StartAsync(RecordingMapper mapper, TimeProvider? clock = null)
    {
        var signals = new TestSignals();
        var (app, address, _) = await GrpcTestServer.StartAsync(
            services =>
            {
                if (clock is not null)
                {
                    services.AddSingleton(clock);
                }

                services.AddSingleton(signals);
                services.AddSingleton<IGrpcExceptionMapper>(mapper);
            },
            a => a.MapGrpcService<TestServiceImpl>());
        var channel = GrpcChannel.ForAddress(address);
        return new MappedServer(app, channel, address, signals);
    }

    private sealed class RecordingMapper(Func<Exception, RpcException?> map) : IGrpcExceptionMapper
    {
        public ConcurrentQueue<Exception> Seen { get; } = new();

        public RpcException? Map(Exception exception, ServerCallContext context)
        {
            Seen.Enqueue(exception);
            return map(exception);
        }
    }

    private sealed class MappedServer(IAsyncDisposable app, GrpcChannel channel, Uri address, TestSignals signals) : IAsyncDisposable
    {
        public TestService.TestServiceClient Client { get; } = new(channel);

        public Uri Address => address;

        public TestSignals Signals => signals;

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await app.DisposeAsync();
        }
    }
}
