using System.Net;
using System.Text;
using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Queries;
using CityBrain.Grpc;
using CityBrain.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>
/// The public API as the silo hosts it — actor runtime, city grains with the demo city, gRPC server, gateway — on a
/// real Kestrel HTTP/2 listener on loopback, with our own gRPC client. PostgreSQL when <c>CITYBRAIN_PG</c> is set
/// (scripts/test.sh sets it), else SQLite in a temporary file. The server's clock is manual and stands still unless
/// a test moves it, so no SLA deadline fires by itself and "the incident feed did not move" proves that nothing was
/// written. Shared by the tests of a collection; each test uses its own sources and event ids.
/// </summary>
public class GatewayServer : IAsyncLifetime
{
    /// <summary>The signing key of the test server (base64 of 48 bytes).</summary>
    public static readonly string SigningKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("citybrain-gateway-tests-signing-key-0123456789ab"));

    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly string _sqlite = Path.Combine(Path.GetTempPath(), $"citybrain-gateway-{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private PostgresServer? _postgres;

    public Uri Address { get; private set; } = null!;

    /// <summary>The server's clock (starts at the real time, so tokens minted now are valid).</summary>
    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IServiceProvider Services => _app!.Services;

    public TokenIssuer Issuer { get; private set; } = null!;

    public CityModel City => Services.GetRequiredService<CityDirectory>().Require();

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Which database the server runs on.</summary>
    public string Storage { get; private set; } = "";

    /// <summary>Settings beyond the defaults (configuration keys).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Options of the city grains: as the silo runs for high-volume intake (new incidents leave memory once
    /// idle), so every later call on an incident exercises its re-activation.</summary>
    protected virtual void ConfigureGrains(CityBrainGrainsOptions options) => options.DeactivateAfterReport = true;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal) { ["CityBrain:Auth:SigningKey"] = SigningKey };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        var actors = builder.Services.AddActors(o =>
        {
            o.Storage.RetryAfter = TimeSpan.FromSeconds(2);

            // A test that moves the clock by minutes must not time out the calls in flight.
            o.ResponseTimeout = TimeSpan.FromHours(6);
        });
        if (Environment.GetEnvironmentVariable("CITYBRAIN_PG") is { Length: > 0 })
        {
            _postgres = await PostgresServer.FromEnvironmentOrStartAsync();
            actors.UsePostgres(await _postgres.CreateDatabaseAsync("gateway"));
            Storage = "PostgreSQL";
        }
        else
        {
            actors.UseSqlite($"Data Source={_sqlite}");
            Storage = "SQLite";
        }

        actors.AddCityBrainGrains(ConfigureGrains);
        builder.Services.AddGrpcServer();
        builder.Services.AddCityBrainGateway(builder.Configuration);
        _app = builder.Build();
        _app.MapGrpcHealthService();
        _app.MapGrpcReflectionService();
        _app.MapCityBrainGateway();
        await _app.StartAsync();
        var port = new Uri(_app.Urls.First()).Port;
        Address = new Uri($"http://127.0.0.1:{port}");
        Issuer = new TokenIssuer(new AuthOptions { SigningKey = SigningKey });
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_sqlite);
    }

    /// <summary>A token for the caller, from the server's key.</summary>
    public string Token(Actor caller) => Issuer.Issue(caller, TimeSpan.FromDays(1));

    /// <summary>Clients that call as <paramref name="caller"/> (null: without a token).</summary>
    public ApiClients For(Actor? caller) => ForToken(caller is null ? null : Token(caller));

    /// <summary>Clients that send <paramref name="token"/> as the bearer token (null: no authorization header).</summary>
    public ApiClients ForToken(string? token)
    {
        var key = token ?? "";
        GrpcChannel channel;
        lock (_channels)
        {
            if (!_channels.TryGetValue(key, out channel!))
            {
                channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
                {
                    CallCredentials = token is null ? null : (_, headers, _) =>
                    {
                        headers.Add("authorization", "Bearer " + token);
                        return ValueTask.CompletedTask;
                    },
                });
                _channels[key] = channel;
            }
        }

        return new ApiClients(channel);
    }

    /// <summary>The incident feed's last position now: every incident write moves it, so an unchanged position proves
    /// that nothing was written.</summary>
    public Task<long> FeedTailAsync() => Services.GetRequiredService<IncidentWatchService>().TailAsync(CancellationToken.None);

    /// <summary>A point inside a grid of the demo city.</summary>
    public (double Longitude, double Latitude) PointIn(string gridId)
    {
        var point = City.GridsById[gridId].Polygon.InteriorPoint;
        return (point.X, point.Y);
    }
}
