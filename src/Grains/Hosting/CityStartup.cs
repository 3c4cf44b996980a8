using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Hosting;

/// <summary>Loads the city at start (after the actor runtime): the configured file, else the stored definition,
/// else the demo city. An invalid configured file stops start-up with every error listed.</summary>
internal sealed class CityStartup(CityLoader loader, IOptions<CityBrainGrainsOptions> options, ILogger<CityStartup> logger) : IHostedService
{
    private static readonly Actor Startup = new() { UserId = "silo-startup", Role = Role.System };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.CityFile is { } file)
        {
            var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            await loader.LoadAsync(Startup, text, Path.GetFileName(file)).ConfigureAwait(false);
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
