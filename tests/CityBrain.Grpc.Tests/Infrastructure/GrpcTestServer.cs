using System.Net;
using System.Security.Cryptography.X509Certificates;
using Citybrain.Grpctest.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on loopback (port 0): one HTTP/2 cleartext endpoint for gRPC and one HTTP/1.1 endpoint
/// for the protocol-mismatch test. Shared by the tests of a collection; each test uses its own signal names.
/// </summary>
public sealed class GrpcTestServer : IAsyncLifetime
{
    /// <summary>The receive limit of the shared server: small, so the limit is cheap to test.</summary>
    public const int MaxReceiveMessageSize = 64 * 1024;

    private WebApplication? _app;
    private GrpcChannel? _channel;

    public Uri Http2Address { get; private set; } = null!;

    public Uri Http1Address { get; private set; } = null!;

    public TestSignals Signals { get; } = new();

    public RejectingInterceptor Interceptor { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public GrpcChannel Channel => _channel!;

    public TestService.TestServiceClient Client { get; private set; } = null!;

    public GrpcHealthStatusManager Health { get; private set; } = null!;

    public static async Task<(WebApplication App, Uri Http2, Uri Http1)> StartAsync(
        Action<IServiceCollection> configureServices,
        Action<WebApplication> map,
        Action<GrpcServerOptions>? configureGrpc = null,
        ILoggerProvider? logs = null,
        X509Certificate2? tlsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        ListenOptions? http2 = null;
        ListenOptions? http1 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                if (tlsCertificate is not null)
                {
                    o.UseHttps(tlsCertificate);
                }

                http2 = o;
            });
            kestrel.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http1;
                http1 = o;
            });
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddGrpcServer(configureGrpc);
        configureServices(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var scheme = tlsCertificate is null ? "http" : "https";
        return (app, new Uri($"{scheme}://127.0.0.1:{http2!.IPEndPoint!.Port}"), new Uri($"http://127.0.0.1:{http1!.IPEndPoint!.Port}"));
    }

    public async Task InitializeAsync()
    {
        var (app, http2, http1) = await StartAsync(
            services =>
            {
                services.AddSingleton(Signals);
                services.AddSingleton<IGrpcServerInterceptor>(Interceptor);
            },
            app =>
            {
                app.MapGrpcService<TestServiceImpl>();
                app.MapGrpcService<InteropServiceImpl>();
                app.MapGrpcHealthService();
                app.MapGrpcReflectionService();
            },
            options => options.MaxReceiveMessageSize = MaxReceiveMessageSize,
            Logs);
        _app = app;
        Http2Address = http2;
        Http1Address = http1;
        Health = app.Services.GetRequiredService<GrpcHealthStatusManager>();
        _channel = GrpcChannel.ForAddress(Http2Address);
        Client = new TestService.TestServiceClient(_channel);

        // Open the connection and warm up both sides, so deadline tests measure calls, not start-up.
        await AssertServesNormalCallAsync();
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Proves the server still serves a normal call (used after every abuse).</summary>
    public async Task AssertServesNormalCallAsync()
    {
        var reply = await Client.EchoAsync(new EchoRequest { Text = "still alive" });
        Assert.Equal("still alive", reply.Text);
    }
}
