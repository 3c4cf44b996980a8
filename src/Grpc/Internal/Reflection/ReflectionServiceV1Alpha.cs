using CityBrain.Grpc.Internal.Server;
using V1 = CityBrain.Grpc.Reflection.V1;
using V1Alpha = CityBrain.Grpc.Reflection.V1Alpha;

namespace CityBrain.Grpc.Internal.Reflection;

/// <summary>The <c>grpc.reflection.v1alpha.ServerReflection</c> service, answered by the v1 logic.</summary>
internal sealed class ReflectionServiceV1Alpha(GrpcServiceRegistry registry) : V1Alpha.ServerReflection.ServerReflectionBase
{
    public override async Task ServerReflectionInfo(
        IAsyncStreamReader<V1Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responseStream,
        ServerCallContext context)
    {
        var processor = new ReflectionRequestProcessor(registry);
        while (await requestStream.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
        {
            var request = ReflectionRequestProcessor.Convert(requestStream.Current, V1.ServerReflectionRequest.Parser);
            var response = processor.Process(request);
            await responseStream.WriteAsync(ReflectionRequestProcessor.Convert(response, V1Alpha.ServerReflectionResponse.Parser), context.CancellationToken).ConfigureAwait(false);
        }
    }
}
