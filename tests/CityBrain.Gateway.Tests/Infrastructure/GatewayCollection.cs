namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>The tests that share one <see cref="GatewayServer"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayServer>
{
    public const string Name = "gateway";
}
