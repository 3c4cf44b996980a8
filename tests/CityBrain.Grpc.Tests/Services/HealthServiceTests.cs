using CityBrain.Grpc.Health.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = CityBrain.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CityBrain.Grpc.Tests.Services;

[Collection(GrpcServerCollection.Name)]
public sealed class HealthServiceTests(GrpcTestServer server)
{
    private Health.V1.Health.HealthClient Client => new(server.Channel);

    [Fact]
    public async Task Check_WholeServer_Serving()
    {
        var reply = await Client.CheckAsync(new HealthCheckRequest());

        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Check_StatusSetByHost_Reported()
    {
        var service = "check." + Guid.NewGuid().ToString("N");
        server.Health.SetStatus(service, ServingStatus.NotServing);

        var reply = await Client.CheckAsync(new HealthCheckRequest { Service = service });

        Assert.Equal(ServingStatus.NotServing, reply.Status);
    }

    [Fact]
    public async Task Watch_StatusChanges_EachChangeStreamed()
    {
        var service = "watch." + Guid.NewGuid().ToString("N");
        using var call = Client.Watch(new HealthCheckRequest { Service = service });

        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(ServingStatus.ServiceUnknown, call.ResponseStream.Current.Status);

        server.Health.SetStatus(service, ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);

        server.Health.SetStatus(service, ServingStatus.NotServing);
        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);

        server.Health.ClearStatus(service);
        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(ServingStatus.ServiceUnknown, call.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Shutdown_OpenWatch_NotServingThenStreamEndsOk()
    {
        var (app, http2, _) = await GrpcTestServer.StartAsync(_ => { }, a => a.MapGrpcHealthService());
        await using (app)
        {
            using var channel = GrpcChannel.ForAddress(http2);
            using var call = new Health.V1.Health.HealthClient(channel).Watch(new HealthCheckRequest());
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);

            app.Services.GetRequiredService<GrpcHealthStatusManager>().Shutdown();

            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
            Assert.False(await call.ResponseStream.MoveNextAsync());
            Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        }
    }

    [Fact]
    public async Task ApplicationStopping_OpenWatch_EndsSoGracefulStopDoesNotWait()
    {
        var (app, http2, _) = await GrpcTestServer.StartAsync(_ => { }, a => a.MapGrpcHealthService());
        await using (app)
        {
            using var channel = GrpcChannel.ForAddress(http2);
            using var call = new Health.V1.Health.HealthClient(channel).Watch(new HealthCheckRequest());
            Assert.True(await call.ResponseStream.MoveNextAsync());
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();

            await app.StopAsync();

            // Kestrel's default shutdown timeout is 30 s: an open watch would hold the stop that long.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Stop took {stopwatch.Elapsed}.");
            Assert.True(app.Services.GetRequiredService<GrpcHealthStatusManager>().IsShutdown);
        }
    }
}
