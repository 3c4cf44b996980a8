using CityBrain.Gateway.Internal.Errors;
using CityBrain.Gateway.Internal.Hosting;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Gateway.Internal.Services;
using CityBrain.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway;

/// <summary>Registers the public API.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the citybrain.v1 services, the authentication interceptor (bearer tokens, roles, rate limits) and their
    /// options, bound from <paramref name="configuration"/> (<c>CityBrain:Auth</c>, <c>CityBrain:RateLimits</c>,
    /// <c>CityBrain:Tls</c>, <c>CityBrain:Gateway</c>) and validated at start. Needs <c>AddGrpcServer()</c> and the
    /// city grains (<c>AddCityBrainGrains</c>); map the services with <c>MapCityBrainGateway()</c>.
    /// </summary>
    public static IServiceCollection AddCityBrainGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateOnStart();
        services.AddOptions<TlsOptions>().Bind(configuration.GetSection(TlsOptions.Section)).ValidateOnStart();
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => SigningKeys.From(sp.GetRequiredService<IOptions<AuthOptions>>().Value));
        services.TryAddSingleton(sp => new TokenIssuer(
            sp.GetRequiredService<SigningKeys>(),
            sp.GetRequiredService<IOptions<AuthOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<CallerRateLimiter>();
        services.AddGrpcInterceptor<AuthInterceptor>();
        services.AddGrpcExceptionMapper<ApiExceptionMapper>();

        services.TryAddSingleton<EventIntakeService>();
        services.TryAddSingleton<DispatchService>();
        services.TryAddSingleton<QueryService>();
        services.TryAddSingleton<DrillsService>();
        services.TryAddSingleton<AdminService>();
        services.AddHostedService<DevelopmentTokens>();
        return services;
    }
}
