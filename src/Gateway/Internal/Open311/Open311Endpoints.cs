using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>The routes of Open311 GeoReport v2 (<see cref="Open311Service"/>), under <c>/open311/v2</c>. They carry no
/// authorization metadata: the api_key is checked by the service itself and refused in the specification's form.</summary>
internal static class Open311Endpoints
{
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Open311Service.Prefix);
        group.MapGet("/services.{format}", http => Service(http).ServicesAsync(http, Route(http, "format")));
        group.MapGet("/services/{file}", http => Service(http).DefinitionAsync(http, Route(http, "file")));
        group.MapPost("/requests.{format}", http => Service(http).CreateAsync(http, Route(http, "format")));
        group.MapGet("/requests.{format}", http => Service(http).ListAsync(http, Route(http, "format")));
        group.MapGet("/requests/{file}", http => Service(http).RequestAsync(http, Route(http, "file")));
        return group;
    }

    private static Open311Service Service(HttpContext http) => http.RequestServices.GetRequiredService<Open311Service>();

    private static string Route(HttpContext http, string name) => http.Request.RouteValues[name] as string ?? "";
}
