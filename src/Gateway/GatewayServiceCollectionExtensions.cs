using CityBrain.Gateway.Internal.Errors;
using CityBrain.Gateway.Internal.Hosting;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Gateway.Internal.Services;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Builder;
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
    /// <c>CityBrain:Tls</c>, <c>CityBrain:Gateway</c>) and validated at start, on Grpc.AspNetCore (<c>AddGrpc</c>). Needs the
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
        services.TryAddSingleton(sp => new DevelopmentIdentities(sp.GetRequiredService<SigningKeys>(), sp.GetRequiredService<TokenIssuer>()));
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<CallerRateLimiter>();

        // Bearer tokens through ASP.NET Core's JwtBearer; the roles of each method as authorization metadata on its
        // endpoints (MapCityBrainGateway); the caller's token bucket as the rate limiter's global limiter.
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>());
        services.AddAuthorizationBuilder().AddPolicy(RolePolicy.Nobody, policy => policy.RequireAssertion(_ => false));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<CallerRateLimiter>((limits, callers) =>
        {
            limits.GlobalLimiter = callers.ForRequests();
            limits.OnRejected = (rejected, _) => rejected.HttpContext.Features.Get<Caller>() is { } caller
                ? new ValueTask(ApiRefusals.WriteAsync(rejected.HttpContext, StatusCode.ResourceExhausted, CallerRateLimiter.ExhaustedMessage(caller)))
                : ValueTask.CompletedTask;
        });
        services.AddGrpc(grpc =>
        {
            // Authentication, roles and rate limits run before, as ASP.NET Core middleware (UseCityBrainGateway).
            grpc.Interceptors.Add<ApiExceptionInterceptor>();
            grpc.Interceptors.Add<PersonalDataInterceptor>();

            // Requests: 4 MiB at most after decompression (an event's inline attachments are capped at 1 MiB; a city
            // file is far smaller); larger ends the call with RESOURCE_EXHAUSTED before any handler runs. Responses:
            // no limit (a day's list page or a city definition is bounded by the request). Compression: a client may
            // send gzip; responses are not compressed (most are small, and CPU is what a busy silo lacks).
            // Handler exceptions never reach the client (EnableDetailedErrors stays off): ApiExceptionInterceptor maps them.
            grpc.MaxReceiveMessageSize = 4 * 1024 * 1024;
            grpc.MaxSendMessageSize = null;
            grpc.ResponseCompressionAlgorithm = null;
        }).AddJsonTranscoding();

        services.TryAddSingleton<EventIntakeService>();
        services.TryAddSingleton<DispatchService>();
        services.TryAddSingleton<QueryService>();
        services.TryAddSingleton<DrillsService>();
        services.TryAddSingleton<AdminService>();
        services.TryAddSingleton<HotlineService>();
        services.TryAddSingleton<Internal.Open311.Open311Keys>();
        services.TryAddSingleton<Internal.Open311.Open311Service>();
        services.TryAddSingleton<AlertsService>();
        services.AddHostedService<DevelopmentTokens>();
        return services;
    }
}
