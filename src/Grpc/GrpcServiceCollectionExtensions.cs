using CityBrain.Grpc.Internal.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Grpc;

/// <summary>Registers the gRPC server in a service collection.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gRPC server: options (validated at start-up), the health status manager and the reflection
    /// registry. Map services with <c>MapGrpcService&lt;T&gt;()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="GrpcServerOptions"/>.</param>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        var options = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcServerOptions>, GrpcServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<GrpcHealthStatusManager>();
        services.TryAddSingleton(static sp => new ServerCallPipeline(
            sp.GetRequiredService<IOptions<GrpcServerOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("CityBrain.Grpc.Server"),
            [.. sp.GetServices<IGrpcServerInterceptor>()],
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IGrpcExceptionMapper>()));
        return services;
    }

    /// <summary>Registers <typeparamref name="TInterceptor"/> as a singleton <see cref="IGrpcServerInterceptor"/>.</summary>
    /// <typeparam name="TInterceptor">The interceptor type.</typeparam>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddGrpcInterceptor<TInterceptor>(this IServiceCollection services)
        where TInterceptor : class, IGrpcServerInterceptor
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGrpcServerInterceptor, TInterceptor>());
        return services;
    }

    /// <summary>Registers <typeparamref name="TMapper"/> as the server's <see cref="IGrpcExceptionMapper"/> (the last one
    /// registered wins).</summary>
    /// <typeparam name="TMapper">The mapper type.</typeparam>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddGrpcExceptionMapper<TMapper>(this IServiceCollection services)
        where TMapper : class, IGrpcExceptionMapper
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IGrpcExceptionMapper, TMapper>();
        return services;
    }
}
