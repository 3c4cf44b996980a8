namespace CityBrain.Grpc;

/// <summary>Placeholder; replaced by the health service implementation.</summary>
public sealed class GrpcHealthStatusManager
{
}
