using System.Net;
using System.Text;
using CityBrain.Contracts;
using CityBrain.Contracts.Serialization;
using CityBrain.Grains.City;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Queries;
using CityBrain.Grains.Views;
using Grpc.Net.Client;
using CityBrain.Storage;
using CityBrain.Storage.Deadlines;
using CityBrain.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>
/// The public API as the silo hosts it — one WebApplication with an Orleans silo (localhost clustering on free ports,
/// our storage, the city grains with the demo city), our gRPC server and the gateway — on a real Kestrel HTTP/2
/// listener on loopback, with our own gRPC client. PostgreSQL when <c>CITYBRAIN_PG</c> is set (scripts/test.sh sets
/// it), else SQLite in a temporary file. The grains' clock is a <see cref="FakeTimeProvider"/> that stands still
/// unless a test moves it (<see cref="AdvanceClockAsync"/>), so no SLA deadline fires by itself and "the incident feed
/// did not move" proves that nothing was written; Orleans' own loops and the store's polling keep real time. Shared
/// by the tests of a collection; each test uses its own sources and event ids.
/// </summary>
public class GatewayServer : IAsyncLifetime
{
    /// <summary>The signing key of the test server (base64 of 48 bytes).</summary>
    public static readonly string SigningKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("citybrain-gateway-tests-signing-key-0123456789ab"));

    /// <summary>How long a test waits for the silo's background work (deadline shards, view projector) to catch up.</summary>
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly string _sqlite = Path.Combine(Path.GetTempPath(), $"citybrain-gateway-{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private PostgresServer? _postgres;

    /// <summary>The gRPC port (HTTP/2).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The HTTP/1.1 port: JSON transcoding and gRPC-Web.</summary>
    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>The grains' clock (starts at the real time, so tokens minted now are valid).</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IServiceProvider Services => _app!.Services;

    /// <summary>Mints tokens on the server's clock: a token minted on the real clock would be "not valid yet" for the
    /// server once the real time is a minute (the allowed skew) past its standing clock.</summary>
    public TokenIssuer Issuer { get; private set; } = null!;

    public CityModel City => Services.GetRequiredService<CityDirectory>().Require();

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Which database the server runs on.</summary>
    public string Storage { get; private set; } = "";

    /// <summary>The PostgreSQL server when the server runs on PostgreSQL.</summary>
    public PostgresServer? Postgres => _postgres;

    /// <summary>Runs on a PostgreSQL server of its own, which a test may stop and start, instead of the run's database.</summary>
    protected virtual bool OwnPostgres => false;

    /// <summary>Settings beyond the defaults (configuration keys).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    private IFeedReader Feed => Services.GetRequiredService<IFeedReader>();

    /// <summary>Options of the storage beyond the database (feed polling at 50 ms, so views and shards follow quickly).</summary>
    protected virtual void ConfigureStorage(StorageOptions options) => options.FeedPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Services beyond the silo's (registered after the gateway's).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Options of the city grains: as the silo runs for high-volume intake (new incidents leave memory once
    /// idle), so every later call on an incident exercises its re-activation.</summary>
    protected virtual void ConfigureGrains(CityBrainGrainsOptions options) => options.DeactivateAfterReport = true;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // As the silo: gRPC on an HTTP/2 port, JSON transcoding and gRPC-Web on an HTTP/1.1 port.
        var listen = SiloProcess.FreePorts(4);   // gRPC, HTTP, Orleans silo, Orleans gateway
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, listen[0], o => o.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, listen[1], o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal) { ["CityBrain:Auth:SigningKey"] = SigningKey };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);

        var (database, connectionString) = await DatabaseAsync();
        builder.UseOrleans(silo =>
        {
            // Several servers run in one test process: each is a cluster of its own on its own ports.
            silo.UseLocalhostClustering(listen[2], listen[3], serviceId: "citybrain-gateway-tests", clusterId: "gateway-" + Guid.NewGuid().ToString("N")[..12]);

            // Generous: a loaded 2-core machine runs these tests, and a timeout would fail a call that is merely slow.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
            silo.Services.AddSerializer(serializer => serializer.AddProtobufMessages());
            silo.AddCityBrainStorage(o =>
            {
                o.Database = database;
                o.ConnectionString = connectionString;
                ConfigureStorage(o);
            });
            silo.AddCityBrainGrains(ConfigureGrains);
        });

        // The grains read the fake clock; Orleans' background loops and the store's polling keep real time.
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);

        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddHealthChecks().AddCheck("gateway", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        builder.Services.AddCityBrainGateway(builder.Configuration);
        ConfigureServices(builder.Services);
        _app = builder.Build();
        _app.MapGrpcHealthChecksService();
        _app.MapGrpcReflectionService();
        _app.UseCityBrainGateway();
        _app.MapCityBrainGateway();
        await _app.StartAsync();
        Address = new Uri($"http://127.0.0.1:{listen[0]}");
        HttpAddress = new Uri($"http://127.0.0.1:{listen[1]}");
        Issuer = new TokenIssuer(new AuthOptions { SigningKey = SigningKey }, Clock);
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        if (_app is not null)
        {
            // Bounded: a server left hung by a failed test fails its clean-up rather than hanging the run.
            var app = _app;
            await Task.Run(async () =>
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }).WaitAsync(TimeSpan.FromMinutes(2));
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _sqlite, _sqlite + "-wal", _sqlite + "-shm" })
        {
            File.Delete(file);
        }
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
                channel = ApiChannel.Create(Address, token);
                _channels[key] = channel;
            }
        }

        return new ApiClients(channel);
    }

    /// <summary>The incident feed's last position now: every incident write moves it, so an unchanged position proves
    /// that nothing was written.</summary>
    public Task<long> FeedTailAsync() => Services.GetRequiredService<IncidentWatchService>().TailAsync(CancellationToken.None);

    /// <summary>
    /// Moves the grains' clock forward, once the deadline shards know every deadline armed so far (they learn of them
    /// from the change feed, shortly after the commit): a deadline the shards had not read would fire late. Timers due
    /// meanwhile fire on their grains' schedulers.
    /// </summary>
    public async Task AdvanceClockAsync(TimeSpan by)
    {
        await DeadlineShards.CaughtUpAsync(Grains, Feed).WaitAsync(CatchUpTimeout);
        await Task.Run(() => Clock.Advance(by)).WaitAsync(CatchUpTimeout);
    }

    /// <summary>Waits until the views (department queues, SLA boards) show every transition committed so far: the view
    /// projector updates them from the change feed shortly after each commit.</summary>
    public Task ViewsCaughtUpAsync() => ViewProjection.CaughtUpAsync(Grains, Feed).WaitAsync(CatchUpTimeout);

    /// <summary>A point inside a grid of the demo city.</summary>
    public (double Longitude, double Latitude) PointIn(string gridId)
    {
        var point = City.GridsById[gridId].Polygon.InteriorPoint;
        return (point.X, point.Y);
    }

    private async Task<(DatabaseKind Kind, string ConnectionString)> DatabaseAsync()
    {
        if (OwnPostgres || Environment.GetEnvironmentVariable("CITYBRAIN_PG") is { Length: > 0 })
        {
            _postgres = OwnPostgres ? await PostgresServer.StartPrivateAsync(fsync: false) : await PostgresServer.FromEnvironmentOrStartAsync();
            Storage = "PostgreSQL";
            return (DatabaseKind.Postgres, await _postgres.CreateDatabaseAsync("gateway"));
        }

        Storage = "SQLite";
        return (DatabaseKind.Sqlite, $"Data Source={_sqlite}");
    }
}
