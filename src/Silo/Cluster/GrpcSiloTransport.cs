using System.Collections.Concurrent;
using CityBrain.Actors;
using CityBrain.Grpc;

namespace CityBrain.Silo.Cluster;

/// <summary>Forwards grain calls to other silos over HTTP/2 with our gRPC client: one channel per silo, reused,
/// many concurrent streams on it.</summary>
internal sealed class GrpcSiloTransport(ClusterSecret secret) : ISiloTransport, IDisposable
{
    private readonly ConcurrentDictionary<string, (GrpcChannel Channel, Wire.SiloCalls.SiloCallsClient Client)> _silos = new(StringComparer.Ordinal);

    public async Task<RemoteCallResult> InvokeAsync(string siloAddress, RemoteCall call, CancellationToken cancellationToken)
    {
        var client = _silos.GetOrAdd(siloAddress, static (address, secret) =>
        {
            var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                CallCredentials = (_, headers, _) =>
                {
                    headers.Add(ClusterSecret.HeaderName, secret.Value);
                    return ValueTask.CompletedTask;
                },
            });
            return (channel, new Wire.SiloCalls.SiloCallsClient(channel));
        }, secret).Client;
        var reply = await client.InvokeAsync(WireMapping.ToWire(call), cancellationToken: cancellationToken);
        return WireMapping.FromWire(reply);
    }

    public void Dispose()
    {
        foreach (var (channel, _) in _silos.Values)
        {
            channel.Dispose();
        }
    }
}
