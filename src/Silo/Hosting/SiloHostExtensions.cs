using CityBrain.Actors;
using CityBrain.Gateway;
using CityBrain.Grains.Hosting;
using CityBrain.Grpc;
using CityBrain.Silo.Cluster;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Wires the silo: listeners, the actor runtime with the city, the gRPC server with the public API and, in a
/// cluster, the silo-to-silo endpoint.</summary>
internal static class SiloHostExtensions
{
    /// <summary>Adds the silo's services and Kestrel listeners from the <c>CityBrain</c> configuration section.</summary>
    public static WebApplicationBuilder AddSilo(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SiloOptions.Section);
        builder.Services.AddOptions<SiloOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        var silo = section.Get<SiloOptions>() ?? new SiloOptions();
        var clustered = section.GetValue<bool>("Actors:Cluster:Enabled");
        var tls = builder.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions();
        builder.Services.AddSingleton<IValidateOptions<TlsOptions>, GrpcUrlMatchesTls>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, silo.GrpcUrl, HttpProtocols.Http2, tls);
            Listen(kestrel, silo.HttpUrl, HttpProtocols.Http1, null);
            if (clustered)
            {
                Listen(kestrel, silo.ClusterUrl, HttpProtocols.Http2, null);
            }
        });

        builder.Services.AddActors().AddCityBrainGrains();
        builder.Services.AddOptions<CityBrainGrainsOptions>().Bind(section);
        builder.Services.Configure<ActorRuntimeOptions>(section.GetSection("Actors"));
        builder.Services.PostConfigure<ActorRuntimeOptions>(actors =>
        {
            var cluster = actors.Cluster;
            cluster.SiloAddress = string.IsNullOrEmpty(cluster.SiloAddress) ? silo.ClusterUrl : cluster.SiloAddress;
            cluster.GrpcUrl = string.IsNullOrEmpty(cluster.GrpcUrl) ? silo.GrpcUrl : cluster.GrpcUrl;
            cluster.HttpUrl = string.IsNullOrEmpty(cluster.HttpUrl) ? silo.HttpUrl : cluster.HttpUrl;
        });
        if (clustered)
        {
            builder.Services.AddSingleton(new ClusterSecret(silo.ClusterSecret));
            builder.Services.AddSingleton<ISiloTransport, GrpcSiloTransport>();
        }

        builder.Services.AddGrpcServer();
        builder.Services.AddCityBrainGateway(builder.Configuration);
        builder.Services.AddSingleton<ReadyBanner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadyBanner>());
        return builder;
    }

    /// <summary>Maps the endpoints: gRPC health and reflection on the gRPC port, liveness and readiness on the
    /// HTTP port, and the silo-to-silo service on the cluster port.</summary>
    public static WebApplication MapSilo(this WebApplication app)
    {
        var silo = app.Services.GetRequiredService<IOptions<SiloOptions>>().Value;
        var grpcHost = $"*:{new Uri(silo.GrpcUrl).Port}";
        var httpHost = $"*:{new Uri(silo.HttpUrl).Port}";
        app.MapGrpcHealthService().RequireHost(grpcHost);
        app.MapGrpcReflectionService().RequireHost(grpcHost);
        app.MapCityBrainGateway().RequireHost(grpcHost);
        if (app.Services.GetRequiredService<IOptions<ActorRuntimeOptions>>().Value.Cluster.Enabled)
        {
            app.MapGrpcService<SiloCallsService>().RequireHost($"*:{new Uri(silo.ClusterUrl).Port}");
        }

        app.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost(httpHost);
        app.MapGet("/readyz", (ReadyBanner banner, IClusterMembership membership) =>
                banner.IsReady && membership.IsActive ? Results.Text("ready\n") : Results.Text("not ready\n", statusCode: 503))
            .RequireHost(httpHost);
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
