using CityBrain.Gateway;
using CityBrain.Grains.City;
using CityBrain.Storage;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Prints where the silo listens once everything has started, and answers whether it can serve: started and
/// not stopping, the database answering, an active member of the cluster, and a city loaded.</summary>
internal sealed class ReadyBanner(
    IOptions<SiloOptions> silo,
    IOptions<StorageOptions> storage,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    CityDirectory city,
    StorageHealth database,
    ILogger<ReadyBanner> logger) : IHostedLifecycleService, IApiReadiness
{
    private volatile bool _started;
    private volatile bool _stopping;

    /// <summary>Why the silo cannot serve now, or null when it can.</summary>
    public string? NotReadyReason()
    {
        if (_stopping)
        {
            return "the silo is stopping";
        }

        if (!_started)
        {
            return "the silo is starting";
        }

        if (database.UnreachableReason is { } unreachable)
        {
            return $"the database is unreachable ({unreachable})";
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return $"the silo is {status.ToString().ToLowerInvariant()} in the cluster, not active";
        }

        return city.Current is null ? "no city definition is loaded" : null;
    }

    /// <summary>Runs once every service has started (the web server and Orleans included): the silo may serve.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started = true;
        var settings = storage.Value;
        SiloLog.Ready(logger, silo.Value.GrpcUrl, silo.Value.HttpUrl, $"{settings.Database} ({Redact(settings.ConnectionString)})", local.SiloAddress.ToString());
        return Task.CompletedTask;
    }

    /// <summary>Runs before any service stops (the web server included, so probes are still answered), however the stop
    /// began (a signal, or Orleans stopping the application): from here the silo answers not ready, for
    /// <see cref="SiloOptions.DrainBeforeStop"/> before the others stop.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        SiloLog.Stopping(logger);
        var drain = silo.Value.DrainBeforeStop;
        if (drain > TimeSpan.Zero)
        {
            SiloLog.Draining(logger, drain);
            await Task.Delay(drain, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Redact(string connectionString) =>
        string.Join(';', connectionString.Split(';').Where(part => !part.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase)));
}
