using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Hosting;

/// <summary>
/// Loads the city at start: the configured file, else the stored definition, else the demo city. An invalid
/// configured file stops start-up with every error listed, before anything is served.
/// </summary>
/// <remarks>
/// The file is read and validated while the host starts, but stored (a call to the city grain, which in a cluster
/// may live on another silo) only once the host has started, when this silo's own endpoints listen: silos starting
/// together would otherwise each wait, before listening, for a city grain on a silo that is not listening yet.
/// </remarks>
internal sealed class CityStartup(CityLoader loader, IOptions<CityBrainGrainsOptions> options, ILogger<CityStartup> logger) : IHostedLifecycleService
{
    private static readonly Actor Startup = new() { UserId = "silo-startup", Role = Role.System };
    private string? _configuredText;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CityFile is { } file)
        {
            _configuredText = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            CityFile.Parse(_configuredText); // every error, before the silo serves anything
        }
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (_configuredText is not null)
        {
            await loader.LoadAsync(Startup, _configuredText, Path.GetFileName(settings.CityFile!)).ConfigureAwait(false);
            return;
        }

        if (await loader.RefreshAsync().ConfigureAwait(false))
        {
            return;
        }

        if (settings.LoadDemoCityWhenEmpty)
        {
            await loader.LoadAsync(Startup, CityLoader.DemoCityText(), "demo/city.yaml").ConfigureAwait(false);
        }
        else
        {
            GrainsLog.NoCity(logger);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
