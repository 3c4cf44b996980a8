using CityBrain.Grpc.Health.V1;

namespace CityBrain.Grpc.Internal.Health;

/// <summary>The standard <c>grpc.health.v1.Health</c> service over <see cref="GrpcHealthStatusManager"/>.</summary>
internal sealed class HealthService(GrpcHealthStatusManager manager) : Grpc.Health.V1.Health.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!manager.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }

        return Task.FromResult(GrpcHealthStatusManager.Response(status));
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var reader = manager.Watch(request.Service, out var unsubscribe);
        try
        {
            while (await reader.WaitToReadAsync(context.CancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var status))
                {
                    await responseStream.WriteAsync(GrpcHealthStatusManager.Response(status), context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            unsubscribe();
        }
    }
}
