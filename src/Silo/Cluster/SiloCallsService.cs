using System.Security.Cryptography;
using System.Text;
using CityBrain.Actors;
using CityBrain.Grpc;

namespace CityBrain.Silo.Cluster;

/// <summary>The silo-to-silo endpoint: runs grain calls forwarded by other silos of the cluster.</summary>
internal sealed class SiloCallsService(IGrainCallReceiver receiver, ClusterSecret secret) : Wire.SiloCalls.SiloCallsBase
{
    public override async Task<Wire.GrainCallReply> Invoke(Wire.GrainCall request, ServerCallContext context)
    {
        var presented = context.RequestHeaders.GetValue(ClusterSecret.HeaderName) ?? "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(secret.Value)))
        {
            throw new RpcException(StatusCode.PermissionDenied, "Silo-to-silo calls need the cluster secret.");
        }

        var result = await receiver.ReceiveAsync(WireMapping.FromWire(request), context.CancellationToken);
        return WireMapping.ToWire(result);
    }
}
