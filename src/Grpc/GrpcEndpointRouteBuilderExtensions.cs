using CityBrain.Grpc.Internal.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Grpc;

/// <summary>Maps gRPC services onto endpoint routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> (a class deriving from a generated <c>XxxBase</c>) as
    /// <c>POST /package.Service/Method</c>. Calls to methods nobody mapped get UNIMPLEMENTED. The service is
    /// resolved from the request services if registered, and otherwise created per call.
    /// </summary>
    /// <typeparam name="TService">The service implementation.</typeparam>
    /// <param name="endpoints">The endpoint route builder.</param>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class, IGrpcService
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var pipeline = endpoints.ServiceProvider.GetService<ServerCallPipeline>()
            ?? throw new InvalidOperationException("Call services.AddGrpcServer() before mapping gRPC services.");
        var binder = new EndpointServiceBinder<TService>(pipeline);
        TService.BindService(binder);
        if (binder.Methods.Count == 0)
        {
            throw new InvalidOperationException($"{typeof(TService)} bound no gRPC methods.");
        }

        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        registry.Add([.. binder.Methods.Select(m => m.Method)]);

        var builders = new List<IEndpointConventionBuilder>(binder.Methods.Count);
        foreach (var (method, handler) in binder.Methods)
        {
            var builder = endpoints.MapPost(method.FullName, handler)
                .WithDisplayName("gRPC " + method.FullName)
                .WithMetadata(method);
            builders.Add(builder);
        }

        MapUnimplementedFallback(endpoints, pipeline, registry);
        return new GrpcServiceEndpointConventionBuilder(builders);
    }

    private static void MapUnimplementedFallback(IEndpointRouteBuilder endpoints, ServerCallPipeline pipeline, GrpcServiceRegistry registry)
    {
        if (registry.UnimplementedFallbackMapped)
        {
            return;
        }

        registry.UnimplementedFallbackMapped = true;
        var handler = new UnimplementedCallHandler(pipeline);
        endpoints.MapPost("{unimplementedService}/{unimplementedMethod}", handler.HandleCallAsync)
            .WithDisplayName("gRPC unimplemented method")
            .Add(static builder => ((RouteEndpointBuilder)builder).Order = int.MaxValue);
    }
}
