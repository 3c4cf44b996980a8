using CityBrain.Contracts.Serialization;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace CityBrain.Contracts.Tests.Cluster;

/// <summary>One in-process silo and a client, both with the protobuf messages registered as a host registers
/// them. Shared by the tests of <see cref="ContractsClusterCollection"/>; each test uses its own grain keys.</summary>
public sealed class ContractsCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public IGrainFactory Grains => (_cluster ?? throw new InvalidOperationException("The cluster is not started.")).Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSerializer(serializer => serializer.AddProtobufMessages()));
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddProtobufMessages()));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
