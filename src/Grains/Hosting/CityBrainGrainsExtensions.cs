using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Evaluation;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;
using CityBrain.Grains.Queries;
using CityBrain.Grains.Telemetry;
using CityBrain.Grains.Views;
using CityBrain.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Hosting;

/// <summary>Registers the city on an Orleans silo.</summary>
public static class CityBrainGrainsExtensions
{
    /// <summary>
    /// Adds the city: the services the gateway calls (<see cref="IncidentIntake"/>, <see cref="AlertIntake"/>, <see cref="CityLoader"/>,
    /// <see cref="DrillService"/>, <see cref="EvaluationService"/>, <see cref="CityDirectory"/>, and for queries
    /// <see cref="IncidentListService"/>, <see cref="SlaBoardService"/>, <see cref="IncidentWatchService"/>), the city's
    /// metrics (<see cref="CityMetrics"/>, fed by an <see cref="IIncidentObserver"/> after each commit), the incident
    /// journal's fold, the view projector (kept active on some silo), a hosted service that loads the city at start and one
    /// that installs every later version whichever silo loaded it (<see cref="CityWatcher"/>). The grain classes are found
    /// by Orleans. Needs the journal store: <c>silo.AddCityBrainStorage(...)</c>.
    /// </summary>
    public static ISiloBuilder AddCityBrainGrains(this ISiloBuilder silo, Action<CityBrainGrainsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddOptions<CityBrainGrainsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CityBrainGrainsOptions>, CityBrainGrainsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJournalFold<Incident, IncidentEvent>, IncidentJournalFold>();
        services.TryAddSingleton<CityDirectory>();
        services.TryAddSingleton<CityLoader>();
        services.TryAddSingleton<IncidentIntake>();
        services.TryAddSingleton<AlertIntake>();
        services.AddMetrics();
        services.TryAddSingleton<OpenIncidentGauge>();
        services.TryAddSingleton<CityMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncidentObserver, MetricsObserver>());
        services.TryAddSingleton<DrillService>();
        services.TryAddSingleton<EvaluationService>();
        services.TryAddSingleton<IncidentListService>();
        services.TryAddSingleton<SlaBoardService>();
        services.TryAddSingleton<IncidentWatchService>();
        for (var shard = 0; shard < ViewProjectorGrain.Shards; shard++)
        {
            var key = shard;
            services.AddSingleton(new AlwaysOnGrain($"view projector {key}", grains => grains.GetGrain<IViewProjectorGrain>(key).Ping()));
        }

        services.AddHostedService<CityStartup>();
        services.AddHostedService<CityWatcher>();
        return silo;
    }

    /// <summary>The incident journal's fold (<see cref="IncidentFold"/>), for the journal store.</summary>
    private sealed class IncidentJournalFold : IJournalFold<Incident, IncidentEvent>
    {
        public Incident Apply(Incident state, IncidentEvent @event) => IncidentFold.ApplyInPlace(state, @event);

        /// <summary>A snapshot built by other fold rules (before SLA outcomes, a returned clock was stored as met) is
        /// rebuilt from the journal, so every reader sees what the journal's facts mean now.</summary>
        public bool IsCurrent(Incident snapshot) => snapshot.FoldVersion == IncidentFold.Version;
    }
}
