using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Services;
using CityBrain.Gateway.Internal.Json;
using CityBrain.Gateway.Internal.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Gateway;

/// <summary>Maps the public API.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>Maps EventIntake, Dispatch, Query, Drills and Admin (package <c>citybrain.v1</c>) as gRPC, gRPC-Web and
    /// JSON (their <c>google.api.http</c> routes), and the OpenAPI document of the JSON routes (<c>/openapi/v1.json</c>). The returned builder
    /// applies conventions to all of them, e.g. <c>.RequireHost("*:50051")</c>.</summary>
    public static IEndpointConventionBuilder MapCityBrainGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = new Combined(
        [
            endpoints.MapGrpcService<EventIntakeService>(),
            endpoints.MapGrpcService<DispatchService>(),
            endpoints.MapGrpcService<QueryService>(),
            endpoints.MapGrpcService<DrillsService>(),
            endpoints.MapGrpcService<AdminService>(),
            endpoints.MapGrpcService<HotlineService>(),
            endpoints.MapGrpcService<AlertsService>(),

            // The OpenAPI document of the JSON routes; no token needed.
            endpoints.MapGet("/openapi/v1.json", () => Results.Text(OpenApiDocument.Json, "application/json; charset=utf-8")),

            // Open311 GeoReport v2 for resident apps (/open311/v2/...; its api_key is an app's feed token).
            Internal.Open311.Open311Endpoints.Map(endpoints),
        ]);

        // Each method's roles (RolePolicy) as authorization metadata, on its gRPC and its JSON endpoint alike.
        services.Add(endpoint =>
        {
            if (RolePolicy.ApiMethodOf(new EndpointMetadataCollection(endpoint.Metadata)) is { } method)
            {
                endpoint.Metadata.Add(RolePolicy.RoleNames(method.FullName) is { } roles
                    ? new AuthorizeAttribute { AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme, Roles = roles }
                    : new AuthorizeAttribute(RolePolicy.Nobody) { AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme });
            }
        });
        return services;
    }

    /// <summary>
    /// The API's middleware, after routing and before the endpoints: the readiness gate (<see cref="IApiReadiness"/>),
    /// authentication (JwtBearer), authorization (the roles of each method), gRPC-Web for browsers, the callers'
    /// rate limits, and the check of JSON bodies (a malformed one is refused naming the field or position).
    /// </summary>
    public static IApplicationBuilder UseCityBrainGateway(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Not ready: UNAVAILABLE (retry) before anything else, so no call starts on a silo that cannot finish it. Admin
        // is exempt: it is how an operator loads the city a silo waits for (its calls fail UNAVAILABLE by themselves
        // while the silo is not an active member).
        var readiness = app.ApplicationServices.GetService<IApiReadiness>();
        if (readiness is not null)
        {
            app.Use((http, next) =>
                RolePolicy.ApiMethodOf(http.GetEndpoint()?.Metadata) is { } method
                && method.ServiceName != Admin.Descriptor.FullName
                && readiness.NotReadyReason() is { } why
                    ? ApiRefusals.WriteAsync(http, StatusCode.Unavailable, $"This silo cannot serve now ({why}); retry.")
                    : next(http));
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseRateLimiter();

        // A JSON body that is not JSON of the request: 400 naming the field or position (transcoding's own message names
        // neither).
        app.Use(JsonBodyGate.InvokeAsync);
        return app;
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
