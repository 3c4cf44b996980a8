namespace CityBrain.Grpc;

/// <summary>
/// Implemented by the generated <c>XxxBase</c> classes: binds the service's methods once, when the service is
/// mapped, so no reflection happens per call.
/// </summary>
public interface IGrpcService
{
    /// <summary>Registers every method of the service with <paramref name="binder"/>.</summary>
    /// <param name="binder">The binder of the hosting server.</param>
    static abstract void BindService(ServiceBinder binder);
}
