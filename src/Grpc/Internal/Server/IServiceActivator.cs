namespace CityBrain.Grpc.Internal.Server;

/// <summary>Creates the service instance for one call and releases it afterwards.</summary>
internal interface IServiceActivator
{
    object Create(IServiceProvider services, out bool owned);

    ValueTask ReleaseAsync(object service, bool owned);
}
