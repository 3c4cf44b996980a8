using CityBrain.Gateway.Internal.Services;
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
        return new Combined(
        [
            endpoints.MapGrpcService<EventIntakeService>(),
            endpoints.MapGrpcService<DispatchService>(),
            endpoints.MapGrpcService<QueryService>(),
            endpoints.MapGrpcService<DrillsService>(),
            endpoints.MapGrpcService<AdminService>(),
        ]);
    }

    /// <summary>Applies a convention to every service's endpoints.</summary>
    private sealed class Combined(IEndpointConventionBuilder[] builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
