using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Grains.Telemetry;
using CityBrain.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace CityBrain.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for the silo: the city's meter, Orleans', ASP.NET Core's, HttpClient's, the runtime's and Npgsql's
/// metrics (served on <c>/metrics</c>); traces from the API through grain calls to each SQL statement, recorded only when
/// something exports them; OTLP export of traces, metrics and logs only when an endpoint is configured. And the Orleans
/// Dashboard for admins.
/// </summary>
internal static class TelemetryHostExtensions
{
    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public const string ServiceName = "citybrain";

    /// <summary>ASP.NET Core's meters for request durations and Kestrel's connections.</summary>
    private static readonly string[] AspNetCoreMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Orleans' meter (<c>OrleansInstruments</c>).</summary>
    private const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Orleans' instruments kept unless <see cref="TelemetryOptions.AllOrleansMetrics"/>: gauges read when a reader
    /// collects, and counters of rare events (failures, activations). Orleans' meter as a whole records per message and per
    /// grain call; listening to all of it cost the silo about 190 µs of CPU per streamed intake event and a third of the
    /// stream's throughput (the <c>telemetry</c> benchmark, metrics only, 2026-12-03, on a silo still compiling), against none
    /// measurable with this set.
    /// </summary>
    private static readonly HashSet<string> OrleansInstrumentsKept = new(StringComparer.Ordinal)
    {
        "orleans-catalog-activations",
        "orleans-catalog-activation-created",
        "orleans-catalog-activation-destroyed",
        "orleans-catalog-activation-failed-to-activate",
        "orleans-gateway-connected-clients",
        "orleans-messaging-sent-failed",
        "orleans-messaging-sent-dropped",
        "orleans-messaging-expired",
        "orleans-messaging-rejected",
        "orleans-app-requests-timedout",
        "orleans-storage-read-errors",
        "orleans-storage-write-errors",
        "orleans-storage-clear-errors",
        "orleans-watchdog-health-checks-failed",
    };

    /// <summary>Adds the telemetry services; <paramref name="telemetry"/> is the configuration as read now.</summary>
    public static WebApplicationBuilder AddCityBrainTelemetry(this WebApplicationBuilder builder, TelemetryOptions telemetry)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().Configure(o => TelemetryOptions.Apply(configuration, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddOptions<DashboardSettings>().Bind(configuration.GetSection(DashboardSettings.Section));

        if (!telemetry.Enabled)
        {
            return builder;
        }

        var environment = string.IsNullOrWhiteSpace(telemetry.Environment) ? builder.Environment.EnvironmentName : telemetry.Environment;
        var otel = services.AddOpenTelemetry().ConfigureResource(resource => resource
            .AddService(ServiceName, autoGenerateServiceInstanceId: false)
            .AddAttributes([new KeyValuePair<string, object>("deployment.environment", environment)])
            .AddDetector(sp => new SiloResourceDetector(sp.GetRequiredService<ILocalSiloDetails>())));

        otel.WithMetrics(metrics =>
        {
            // ASP.NET Core: request durations and connections only. Its other meters (authentication, authorization,
            // rate limiting, routing) record on every API call, which the intake path makes thousands of times a second.
            metrics.AddMeter(CityMetrics.MeterName, OrleansMeter)
                .AddMeter(AspNetCoreMeters)
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation();
            if (!telemetry.AllOrleansMetrics)
            {
                metrics.AddView(instrument => instrument.Meter.Name == OrleansMeter && !OrleansInstrumentsKept.Contains(instrument.Name)
                    ? MetricStreamConfiguration.Drop
                    : null);
            }

            if (telemetry.ServesPrometheus)
            {
                metrics.AddPrometheusExporter();
            }
        });

        // No exporter, no traces: without a listener on these sources no activity is created at all.
        if (telemetry.TracesRecorded)
        {
            otel.WithTracing(tracing => tracing
                .SetSampler(RequestRootSampler.Create(telemetry.TraceSampleRatio, telemetry.MaxTracesPerSecond, TimeProvider.System))
                .AddSource(GrainCallTracing.ApplicationSourceName, GrainCallTracing.RuntimeSourceName)
                .AddSource(StorageTelemetry.ActivitySourceName, GatewayTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsHousekeeping(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        }

        // A malformed endpoint registers nothing here; the validator stops the start naming the key.
        if (telemetry.OtlpUri() is not null)
        {
            if (telemetry.OtlpEndpointKey != TelemetryOptions.OtlpEnvironmentKey)
            {
                // The exporter reads the standard variable (and appends each signal's path for http/protobuf).
                configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(TelemetryOptions.OtlpEnvironmentKey, telemetry.OtlpEndpoint)]);
            }

            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds the spans of sampled grain calls (when traces are recorded; <see cref="GrainCallTracing"/>) and the
    /// dashboard's silo services (when enabled).</summary>
    public static ISiloBuilder AddCityBrainTelemetry(this ISiloBuilder orleans, TelemetryOptions telemetry, IConfiguration configuration)
    {
        if (telemetry.TracesRecorded)
        {
            orleans.AddSampledGrainCallTracing();
        }

        if (configuration.GetSection(DashboardSettings.Section).Get<DashboardSettings>()?.Enabled ?? true)
        {
            // The live log stream stays off: logs go to the log pipeline, not to browsers.
            orleans.AddDashboard(o => o.HideTrace = true);
        }

        return orleans;
    }

    /// <summary>Maps <c>/metrics</c> and the dashboard on the HTTP port (<paramref name="httpHost"/>).</summary>
    public static WebApplication MapCityBrainTelemetry(this WebApplication app, string httpHost)
    {
        var telemetry = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (telemetry.ServesPrometheus)
        {
            // Unauthenticated, as Prometheus scrapes: the HTTP port belongs on the private network (loopback by default).
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost(httpHost);
        }

        if (app.Services.GetRequiredService<IOptions<DashboardSettings>>().Value.Enabled)
        {
            app.MapOrleansDashboard(DashboardSettings.Path)
                .RequireHost(httpHost)
                .RequireAuthorization(new AuthorizeAttribute
                {
                    AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme,
                    Roles = ApiRoles.NameOf(Role.Admin),
                });
        }

        return app;
    }

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz")
        || path.StartsWithSegments(DashboardSettings.Path) || path.StartsWithSegments("/grpc.health.v1.Health");
}
