using CityBrain.Gateway.Internal.Services;
using CityBrain.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace CityBrain.Gateway;

/// <summary>Maps the public API.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>Maps EventIntake, Dispatch, Query, Drills and Admin (package <c>citybrain.v1</c>). The returned builder
    /// applies conventions to all of them, e.g. <c>.RequireHost("*:50051")</c>.</summary>
    public static IEndpointConventionBuilder MapCityBrainGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return GrpcServiceEndpointConventionBuilder.Combine(
        [
            endpoints.MapGrpcService<EventIntakeService>(),
            endpoints.MapGrpcService<DispatchService>(),
            endpoints.MapGrpcService<QueryService>(),
            endpoints.MapGrpcService<DrillsService>(),
            endpoints.MapGrpcService<AdminService>(),
        ]);
    }
}
