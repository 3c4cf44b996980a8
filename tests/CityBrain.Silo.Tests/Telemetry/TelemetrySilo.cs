using System.Diagnostics;
using System.Text;
using CityBrain.Gateway;
using CityBrain.Silo.Hosting;
using CityBrain.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>
/// The silo's own wiring (<c>AddSilo</c> / <c>MapSilo</c>) in this process, on PostgreSQL (so Npgsql's spans exist), with
/// traces recorded into <see cref="Spans"/> by OpenTelemetry's in-memory exporter. One per collection.
/// </summary>
public sealed class TelemetrySilo : IAsyncLifetime
{
    public static readonly string SigningKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("citybrain-telemetry-tests-signing-key-0123456789"));

    private PostgresServer? _postgres;
    private WebApplication? _app;

    /// <summary>Every span ended so far.</summary>
    public SpanLog Spans { get; } = new();

    public Uri GrpcAddress { get; private set; } = null!;

    public Uri HttpAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public TokenIssuer Issuer { get; } = new(new AuthOptions { SigningKey = SigningKey });

    /// <summary>Builds a silo from <paramref name="settings"/> over the defaults the tests need (free ports, a signing key).</summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var ports = SiloProcess.FreePorts(4);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["CityBrain:GrpcUrl"] = $"http://127.0.0.1:{ports[0]}",
            ["CityBrain:HttpUrl"] = $"http://127.0.0.1:{ports[1]}",
            ["CityBrain:Cluster:SiloPort"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CityBrain:Cluster:GatewayPort"] = ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CityBrain:Auth:SigningKey"] = SigningKey,
            ["CityBrain:Storage:ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"citybrain-telemetry-{Guid.NewGuid():N}.db")}",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.AddSilo();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapSilo();
        return app;
    }

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.FromEnvironmentOrStartAsync();
        var database = await _postgres.CreateDatabaseAsync("telemetry");
        _app = Build(
            new Dictionary<string, string?>
            {
                ["CityBrain:Storage:Database"] = "Postgres",
                ["CityBrain:Storage:ConnectionString"] = database,
                ["CityBrain:Telemetry:RecordTraces"] = "true",
                ["CityBrain:Telemetry:TraceSampleRatio"] = "1", // every trace: the tests follow given calls and events
                ["CityBrain:Telemetry:MaxTracesPerSecond"] = "0", // however fast they make them
            },
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
        await _app.StartAsync();
        var urls = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SiloOptions>>().Value;
        GrpcAddress = new Uri(urls.GrpcUrl);
        HttpAddress = new Uri(urls.HttpUrl);
        using var http = new HttpClient { BaseAddress = HttpAddress };
        var ready = Stopwatch.StartNew();
        while (!(await http.GetAsync("/readyz")).IsSuccessStatusCode)
        {
            Assert.True(ready.Elapsed < TimeSpan.FromMinutes(1), "the silo did not become ready within a minute");
            await Task.Delay(50);
        }
    }

    /// <summary>The spans of one trace, once <paramref name="done"/> holds for them (spans end on other threads).</summary>
    public async Task<List<Activity>> TraceAsync(ActivityTraceId trace, Func<List<Activity>, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var spans = Spans.Of(trace);
            if (done(spans) || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                return spans;
            }

            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetrySilo>
{
    public const string Name = "telemetry silo";
}
