using CityBrain.Actors;
using CityBrain.Grains.City;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Evaluation;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Hosting;

/// <summary>Registers the city grains on an actor runtime.</summary>
public static class CityBrainGrainsExtensions
{
    /// <summary>
    /// Adds the city grains and their services (<see cref="IncidentIntake"/>, <see cref="CityLoader"/>,
    /// <see cref="DrillService"/>, <see cref="EvaluationService"/>, <see cref="CityDirectory"/>, and for queries
    /// <see cref="IncidentListService"/>, <see cref="SlaBoardService"/>, <see cref="IncidentWatchService"/>), a hosted
    /// service that loads the city at start, and one that installs every later version whichever silo loaded it
    /// (<see cref="CityWatcher"/>). Call after <c>AddActors</c> so the runtime starts first:
    /// <code>services.AddActors().UseSqlite(cs).AddCityBrainGrains(o => o.CityFile = "deploy/demo/city.yaml");</code>
    /// </summary>
    public static IActorsBuilder AddCityBrainGrains(this IActorsBuilder actors, Action<CityBrainGrainsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(actors);
        actors.AddGrains(typeof(CityBrainGrainsExtensions).Assembly);
        var services = actors.Services;
        services.AddOptions<CityBrainGrainsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CityBrainGrainsOptions>, CityBrainGrainsOptionsValidator>());
        services.TryAddSingleton<CityDirectory>();
        services.TryAddSingleton<CityLoader>();
        services.TryAddSingleton<IncidentIntake>();
        services.TryAddSingleton<DrillService>();
        services.TryAddSingleton<EvaluationService>();
        services.TryAddSingleton<IncidentListService>();
        services.TryAddSingleton<SlaBoardService>();
        services.TryAddSingleton<IncidentWatchService>();
        services.AddHostedService<CityStartup>();
        services.AddHostedService<CityWatcher>();
        return actors;
    }
}
