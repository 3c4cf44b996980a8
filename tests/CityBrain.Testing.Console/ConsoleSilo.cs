using System.Globalization;
using System.Net.Http.Json;
using CityBrain.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Xunit;

namespace CityBrain.Testing.WebConsole;

/// <summary>
/// The silo as <c>citybrain</c> runs it (<c>AddSilo</c> / <c>MapSilo</c>: Orleans, the API, the console) in this process
/// on SQLite with the demo city, on free loopback ports. The grains' clock is a <see cref="FakeTimeProvider"/> that
/// stands still unless a test moves it (<see cref="AdvanceClockAsync"/>); Orleans' and the store's loops keep real
/// time. Development mode (no signing key: development identities) unless <see cref="SigningKey"/> is set.
/// </summary>
public class ConsoleSilo : IAsyncLifetime
{
    private readonly string _sqlite = Path.Combine(Path.GetTempPath(), $"citybrain-console-{Guid.NewGuid():N}.db");
    private WebApplication? _app;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>The gRPC port (HTTP/2), for bulk intake.</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public IServiceProvider Services => _app!.Services;

    /// <summary>A configured signing key (base64), or null for development mode.</summary>
    protected virtual string? SigningKey => null;

    /// <summary>More configuration for the silo.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public virtual async Task InitializeAsync()
    {
        var ports = SiloProcess.FreePorts(4);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CityBrain:GrpcUrl"] = $"http://127.0.0.1:{ports[0]}",
            ["CityBrain:HttpUrl"] = $"http://127.0.0.1:{ports[1]}",
            ["CityBrain:Cluster:SiloPort"] = ports[2].ToString(CultureInfo.InvariantCulture),
            ["CityBrain:Cluster:GatewayPort"] = ports[3].ToString(CultureInfo.InvariantCulture),
            ["CityBrain:Auth:SigningKey"] = SigningKey ?? "",
            ["CityBrain:Storage:ConnectionString"] = $"Data Source={_sqlite}",
            ["CityBrain:Storage:FeedPollInterval"] = "00:00:00.050",
            ["CityBrain:ArmSlaDeadlinesExactly"] = "true",
            ["CityBrain:Dashboard:Enabled"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.AddSilo();

        // The grains read the fake clock; Orleans' background loops and the store's polling keep real time.
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        _app = builder.Build();
        _app.MapSilo();
        await _app.StartAsync();
        HttpAddress = new Uri(Services.GetRequiredService<IOptions<SiloOptions>>().Value.HttpUrl);
        GrpcAddress = new Uri(Services.GetRequiredService<IOptions<SiloOptions>>().Value.GrpcUrl);
        Http.BaseAddress = HttpAddress;
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            var app = _app;
            await Task.Run(async () =>
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }).WaitAsync(TimeSpan.FromMinutes(2));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _sqlite, _sqlite + "-wal", _sqlite + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>The development identities the console offers (development mode only).</summary>
    public async Task<IReadOnlyList<DevIdentity>> IdentitiesAsync() =>
        await Http.GetFromJsonAsync<List<DevIdentity>>("/console/dev-identities") ?? [];

    /// <summary>Moves the grains' clock. A deadline the store's shards have not read yet fires as soon as they read it
    /// (overdue), so a test waits for the outcome it expects (the board's colour), not for the shards.</summary>
    public Task AdvanceClockAsync(TimeSpan by) => Task.Run(() => Clock.Advance(by)).WaitAsync(TimeSpan.FromMinutes(1));
}
