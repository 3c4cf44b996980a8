using CityBrain.Grpc.Internal.Health;
using CityBrain.Grpc.Internal.Reflection;
using CityBrain.Grpc.Internal.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServingStatus = CityBrain.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

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

    /// <summary>
    /// Maps the standard health service <c>grpc.health.v1.Health</c> (Check and Watch). The server as a whole
    /// (empty service name) reports SERVING unless the host set another status; set per-service statuses with
    /// <see cref="GrpcHealthStatusManager"/>. When the application stops, every service reports NOT_SERVING and
    /// open watches end.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    public static GrpcServiceEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var manager = endpoints.ServiceProvider.GetService<GrpcHealthStatusManager>()
            ?? throw new InvalidOperationException("Call services.AddGrpcServer() before mapping the health service.");
        manager.SetStatusIfUnknown(string.Empty, ServingStatus.Serving);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(manager.Shutdown);
        return endpoints.MapGrpcService<HealthService>();
    }

    /// <summary>
    /// Maps server reflection, both <c>grpc.reflection.v1</c> and <c>grpc.reflection.v1alpha</c>, so generic
    /// tools can list the mapped services and fetch the protobuf files that describe them.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    public static GrpcServiceEndpointConventionBuilder MapGrpcReflectionService(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var v1 = endpoints.MapGrpcService<ReflectionServiceV1>();
        var v1Alpha = endpoints.MapGrpcService<ReflectionServiceV1Alpha>();
        return new GrpcServiceEndpointConventionBuilder([v1, v1Alpha]);
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
