using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>
/// Resolves <typeparamref name="TService"/> from the request services when it is registered (any lifetime), and
/// otherwise constructs one per call with a factory compiled once.
/// </summary>
internal sealed class ServiceActivator<TService> : IServiceActivator
    where TService : class
{
    private readonly ObjectFactory<TService> _factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);

    public object Create(IServiceProvider services, out bool owned)
    {
        if (services.GetService<TService>() is { } registered)
        {
            owned = false;
            return registered;
        }

        owned = true;
        return _factory(services, null);
    }

    public ValueTask ReleaseAsync(object service, bool owned)
    {
        if (!owned)
        {
            return ValueTask.CompletedTask;
        }

        if (service is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        (service as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}
