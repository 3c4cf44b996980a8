using CityBrain.Contracts.Serialization;
using CityBrain.Gateway;
using CityBrain.Grains.Hosting;
using CityBrain.Silo.Telemetry;
using CityBrain.Storage;
using CityBrain.WebConsole;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace CityBrain.Silo.Hosting;

/// <summary>Wires the silo: the Orleans silo with the city and its storage, the Kestrel listeners, the gRPC server with
/// the public API, and the health endpoints.</summary>
internal static class SiloHostExtensions
{
    /// <summary>Adds the silo's services and listeners from the <c>CityBrain</c> configuration section.</summary>
    public static WebApplicationBuilder AddSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var section = configuration.GetSection(SiloOptions.Section);
        builder.Services.AddOptions<SiloOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddOptions<ClusterSettings>().Bind(configuration.GetSection(ClusterSettings.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<ClusterSettings>, ClusterSettingsValidator>();
        var silo = section.Get<SiloOptions>() ?? new SiloOptions();
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var tls = configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions();
        builder.Services.AddSingleton<IValidateOptions<TlsOptions>, GrpcUrlMatchesTls>();
        var telemetry = TelemetryOptions.From(configuration);
        builder.AddCityBrainTelemetry(telemetry);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // With TLS, HTTP/1.1 and HTTP/2 share the gRPC port (ALPN tells them apart), so JSON and gRPC-Web callers get
            // TLS there too; without TLS a port can only be one or the other (HTTP/2 by prior knowledge, for gRPC).
            var secure = tls is { Enabled: true } && new Uri(silo.GrpcUrl).Scheme == Uri.UriSchemeHttps;
            Listen(kestrel, silo.GrpcUrl, secure ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2, tls);
            Listen(kestrel, silo.HttpUrl, HttpProtocols.Http1, null);
        });

        builder.UseOrleans(orleans =>
        {
            orleans.AddCityBrainCluster(cluster, storage);
            orleans.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = silo.ResponseTimeout);
            orleans.Configure<GrainCollectionOptions>(o => o.CollectionAge = silo.CollectionAge);
            orleans.Services.AddSerializer(serializer => serializer.AddProtobufMessages());
            orleans.AddCityBrainStorage(configuration);
            orleans.AddCityBrainGrains();
            orleans.AddCityBrainTelemetry(telemetry, configuration);
        });
        builder.Services.AddOptions<CityBrainGrainsOptions>().Bind(section);

        builder.Services.AddCityBrainGateway(configuration);
        builder.Services.AddCityBrainConsole(configuration);
        builder.Services.AddGrpcReflection();

        // The standard gRPC health service answers from the ASP.NET Core health checks, run on each Check: SERVING only
        // while the silo can serve (the same answer as /readyz).
        builder.Services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo");
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddSingleton<ReadyBanner>();
        builder.Services.AddSingleton<IApiReadiness>(sp => sp.GetRequiredService<ReadyBanner>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadyBanner>());
        return builder;
    }

    /// <summary>
    /// Membership: one silo with localhost clustering, or Orleans' ADO.NET clustering on the shared PostgreSQL database
    /// with failure detection tuned so that a silo killed outright is declared dead within a few seconds.
    /// </summary>
    private static void AddCityBrainCluster(this ISiloBuilder orleans, ClusterSettings cluster, StorageOptions storage)
    {
        if (!cluster.Enabled)
        {
            orleans.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            return;
        }

        orleans.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        orleans.UseAdoNetClustering(o =>
        {
            o.Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres);
            o.ConnectionString = DatabaseSchema.TunedConnectionString(DatabaseKind.Postgres, storage.ConnectionString, "citybrain-membership", ConnectionBudget.MembershipPool);
        });
        orleans.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = cluster.SiloPort;
            o.GatewayPort = cluster.GatewayPort;
            if (cluster.AdvertisedAddress is { Length: > 0 } advertised)
            {
                o.AdvertisedIPAddress = System.Net.IPAddress.TryParse(advertised, out var ip)
                    ? ip
                    : System.Net.Dns.GetHostAddresses(advertised).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            }

            // Listen on every interface; other silos call the advertised address.
            o.SiloListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, cluster.SiloPort);
            o.GatewayListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, cluster.GatewayPort);
        });
        orleans.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            o.IAmAliveTablePublishTimeout = cluster.HeartbeatPeriod;
            o.TableRefreshTimeout = cluster.MembershipRefreshPeriod;
        });
        orleans.Services.AddSingleton<GoneSiloDetector>();
        orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<GoneSiloDetector>());
        if (cluster.Kubernetes)
        {
            orleans.UseKubernetesHosting();
        }
    }

    /// <summary>Maps the endpoints: gRPC health and reflection and the public API on the gRPC port, liveness and
    /// readiness on the HTTP port.</summary>
    public static WebApplication MapSilo(this WebApplication app)
    {
        var silo = app.Services.GetRequiredService<IOptions<SiloOptions>>().Value;
        var grpcHost = $"*:{new Uri(silo.GrpcUrl).Port}";
        var httpHost = $"*:{new Uri(silo.HttpUrl).Port}";
        app.MapGrpcHealthChecksService().RequireHost(grpcHost);
        app.MapGrpcReflectionService().RequireHost(grpcHost);

        // The dispatcher console (调度台) on the HTTP port: static files, before the API's middleware (no token needed).
        app.UseCityBrainConsole(new Uri(silo.HttpUrl).Port);

        // The API on both ports: gRPC (HTTP/2) on the gRPC port; JSON transcoding (HTTP/1.1, e.g. POST /v1/events) and
        // gRPC-Web for browsers on the HTTP port (and on the gRPC port too when it has TLS).
        app.UseCityBrainGateway();
        app.MapCityBrainGateway();
        app.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost(httpHost);
        app.MapGet("/readyz", (ReadyBanner banner) => banner.NotReadyReason() is { } why
                ? Results.Text($"not ready: {why}\n", statusCode: 503)
                : Results.Text("ready\n"))
            .RequireHost(httpHost);
        app.MapCityBrainTelemetry(httpHost);
        app.MapCityBrainConsole().RequireHost(httpHost);
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, TlsOptions? tls)
    {
        var uri = new Uri(url);
        var address = uri.Host is "localhost" ? System.Net.IPAddress.Loopback
            : uri.Host is "*" or "0.0.0.0" or "+" ? System.Net.IPAddress.Any
            : System.Net.IPAddress.Parse(uri.Host);
        kestrel.Listen(address, uri.Port, listen =>
        {
            listen.Protocols = protocols;
            if (tls is { Enabled: true } && uri.Scheme == Uri.UriSchemeHttps)
            {
                // HTTP/2 over TLS is negotiated with ALPN.
                listen.UseHttps(tls.LoadCertificate());
            }
        });
    }
}
