using Microsoft.AspNetCore.Builder;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>Applies conventions (e.g. <c>RequireHost</c>) to the endpoints of every API service at once.</summary>
internal sealed class ConventionGroup(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
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
