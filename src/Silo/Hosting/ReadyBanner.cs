using CityBrain.Actors;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Prints where the silo listens once everything has started, and tracks readiness.</summary>
internal sealed class ReadyBanner(
    IHostApplicationLifetime lifetime,
    IOptions<SiloOptions> silo,
    IOptions<ActorRuntimeOptions> actors,
    ILogger<ReadyBanner> logger) : IHostedService
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            _ready = true;
            var storage = actors.Value.Storage;
            SiloLog.Ready(logger, silo.Value.GrpcUrl, silo.Value.HttpUrl, $"{storage.Provider} ({Redact(storage.ConnectionString)})");
        });
        lifetime.ApplicationStopping.Register(() =>
        {
            _ready = false;
            SiloLog.Stopping(logger);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Redact(string connectionString) =>
        string.Join(';', connectionString.Split(';').Where(part => !part.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase)));
}
