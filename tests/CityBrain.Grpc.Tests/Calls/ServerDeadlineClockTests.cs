using CityBrain.Testing;
using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Grpc.Tests.Calls;

/// <summary>Server deadlines measured on an injected clock: the test decides when time passes.</summary>
public sealed class ServerDeadlineClockTests
{
    [Fact]
    public async Task GrpcTimeout_ClockAdvancedPastDeadline_DeadlineExceededAndHandlerCancelled()
    {
        var clock = new ManualTimeProvider();
        var signals = new TestSignals();
        var (app, address, _) = await GrpcTestServer.StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton(signals);
            },
            a => a.MapGrpcService<TestServiceImpl>());
        await using (app)
        {
            using var http = RawGrpc.CreateHttp2Client();
            var request = RawGrpc.Request(address, "/citybrain.grpctest.v1.TestService/WaitForCancellation", RawGrpc.Frame(new EchoRequest { Signal = "clock" }));
            request.Headers.TryAddWithoutValidation("grpc-timeout", "5S");
            var sending = RawGrpc.SendAsync(http, request);
            var deadline = await signals.WaitAsync("clock:started");

            Assert.Equal(clock.GetUtcNow().UtcDateTime.AddSeconds(5).ToString("O"), deadline);
            clock.Advance(TimeSpan.FromSeconds(4));
            Assert.False(sending.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(1));
            var response = await sending;

            Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
            Assert.Equal("cancelled", await signals.WaitAsync("clock"));
            Assert.Equal(0, clock.ActiveTimers);
        }
    }
}
