using CityBrain.Grpc.Internal.Server;
using CityBrain.Grpc.Reflection.V1;

namespace CityBrain.Grpc.Internal.Reflection;

/// <summary>The <c>grpc.reflection.v1.ServerReflection</c> service.</summary>
internal sealed class ReflectionServiceV1(GrpcServiceRegistry registry) : ServerReflection.ServerReflectionBase
{
    public override async Task ServerReflectionInfo(
        IAsyncStreamReader<ServerReflectionRequest> requestStream,
        IServerStreamWriter<ServerReflectionResponse> responseStream,
        ServerCallContext context)
    {
        var processor = new ReflectionRequestProcessor(registry);
        while (await requestStream.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(processor.Process(requestStream.Current), context.CancellationToken).ConfigureAwait(false);
        }
    }
}
