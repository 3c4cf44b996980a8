using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>Carries the authenticated caller from JwtBearer (<see cref="JwtBearerSetup"/>) to the service (an HTTP
/// feature of the call).</summary>
internal static class CallerFeature
{
    public static void Set(HttpContext http, Caller caller) => http.Features.Set(caller);

    /// <summary>The caller JwtBearer authenticated.</summary>
    /// <exception cref="InvalidOperationException">No caller: the method was mapped without the API's authorization.</exception>
    public static Caller Caller(this ServerCallContext context) =>
        context.GetHttpContext().Features.Get<Caller>()
        ?? throw new InvalidOperationException("No authenticated caller: the method is not mapped with MapCityBrainGateway's authorization.");
}
