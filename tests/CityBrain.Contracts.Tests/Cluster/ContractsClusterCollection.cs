namespace CityBrain.Contracts.Tests.Cluster;

[CollectionDefinition(Name)]
public sealed class ContractsClusterCollection : ICollectionFixture<ContractsCluster>
{
    public const string Name = "contracts cluster";
}
