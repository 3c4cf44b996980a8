using CityBrain.Actors;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Wires the silo: listeners, the actor runtime, and the HTTP endpoints.</summary>
internal static class SiloHostExtensions
{
    /// <summary>Adds the silo's services and Kestrel listeners from the <c>CityBrain</c> configuration section.</summary>
    public static WebApplicationBuilder AddSilo(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SiloOptions.Section);
        builder.Services.AddOptions<SiloOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        var silo = section.Get<SiloOptions>() ?? new SiloOptions();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, silo.GrpcUrl, HttpProtocols.Http2);
            Listen(kestrel, silo.HttpUrl, HttpProtocols.Http1);
        });

        builder.Services.AddActors();
        builder.Services.Configure<ActorRuntimeOptions>(section.GetSection("Actors"));
        builder.Services.AddSingleton<ReadyBanner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadyBanner>());
        return builder;
    }

    /// <summary>Maps the HTTP endpoints: liveness and readiness.</summary>
    public static WebApplication MapSilo(this WebApplication app)
    {
        var http = app.Services.GetRequiredService<IOptions<SiloOptions>>().Value;
        var httpPort = new Uri(http.HttpUrl).Port;
        app.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost($"*:{httpPort}");
        app.MapGet("/readyz", (ReadyBanner ready) => ready.IsReady ? Results.Text("ready\n") : Results.Text("starting\n", statusCode: 503))
            .RequireHost($"*:{httpPort}");
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var uri = new Uri(url);
        var address = uri.Host is "localhost" or "127.0.0.1" ? System.Net.IPAddress.Loopback
            : uri.Host is "*" or "0.0.0.0" or "+" ? System.Net.IPAddress.Any
            : System.Net.IPAddress.Parse(uri.Host);
        kestrel.Listen(address, uri.Port, listen => listen.Protocols = protocols);
    }
}
