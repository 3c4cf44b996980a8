using Microsoft.AspNetCore.Builder;

namespace CityBrain.Grpc;

/// <summary>Applies endpoint conventions (authorization, metadata, ...) to every method of a mapped service.</summary>
public sealed class GrpcServiceEndpointConventionBuilder : IEndpointConventionBuilder
{
    private readonly IReadOnlyList<IEndpointConventionBuilder> _builders;

    internal GrpcServiceEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders)
    {
        _builders = builders;
    }

    /// <summary>One builder for several mapped services, e.g. to put them all behind <c>RequireHost</c>.</summary>
    public static GrpcServiceEndpointConventionBuilder Combine(params IReadOnlyList<IEndpointConventionBuilder> builders)
    {
        ArgumentNullException.ThrowIfNull(builders);
        return new(builders);
    }

    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in _builders)
        {
            builder.Add(convention);
        }
    }

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in _builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
