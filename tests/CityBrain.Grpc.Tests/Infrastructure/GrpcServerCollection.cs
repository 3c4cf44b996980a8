namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>The tests that share one running <see cref="GrpcTestServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class GrpcServerCollection : ICollectionFixture<GrpcTestServer>
{
    public const string Name = "grpc server";
}
