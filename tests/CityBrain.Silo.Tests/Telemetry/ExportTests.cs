using CityBrain.Silo.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>Nothing leaves the process unless an OTLP endpoint is configured; a malformed one stops the start naming its key.</summary>
public sealed class ExportTests
{
    [Fact]
    public async Task NoEndpoint_RegistersNoExporterAndRecordsNoTraces()
    {
        IServiceCollection? services = null;
        await using var app = TelemetrySilo.Build(new Dictionary<string, string?>(), builder => services = builder.Services);

        Assert.DoesNotContain(services!, IsOtlp);
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Endpoint_RegistersTheOtlpExporterAndRecordsTraces()
    {
        IServiceCollection? services = null;
        await using var app = TelemetrySilo.Build(
            new Dictionary<string, string?> { ["CityBrain:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317" },
            builder => services = builder.Services);

        Assert.Contains(services!, IsOtlp);
        Assert.NotNull(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Disabled_RegistersNoProviderNoExporterAndNoMetricsRoute_EvenWithAnEndpoint()
    {
        IServiceCollection? services = null;
        await using var app = TelemetrySilo.Build(
            new Dictionary<string, string?>
            {
                ["CityBrain:Telemetry:Enabled"] = "false",
                ["CityBrain:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317",
                ["CityBrain:Telemetry:RecordTraces"] = "true",
            },
            builder => services = builder.Services);

        Assert.DoesNotContain(services!, IsOtlp);
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText);
        Assert.DoesNotContain("/metrics", routes);
    }

    [Fact]
    public async Task Enabled_ServesTheMetricsRoute()
    {
        await using var app = TelemetrySilo.Build(new Dictionary<string, string?>());

        Assert.NotNull(app.Services.GetService<MeterProvider>());
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText);
        Assert.Contains("/metrics", routes);
    }

    [Theory]
    [InlineData("CityBrain:Telemetry:OtlpEndpoint", "collector 4317")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317")]
    public async Task MalformedEndpoint_StopsTheStartNamingTheKey(string key, string value)
    {
        // As `citybrain run` does: build, map (which reads the validated options), start.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = TelemetrySilo.Build(new Dictionary<string, string?> { [key] = value });
            await app.StartAsync();
        });

        Assert.Contains($"{key} must be an absolute http:// or https:// URL", refused.Message);
        Assert.Contains(value, refused.Message);
    }

    private static bool IsOtlp(ServiceDescriptor descriptor) =>
        (descriptor.ImplementationType ?? descriptor.ServiceType).FullName?.Contains("Otlp", StringComparison.Ordinal) == true
        || descriptor.ServiceType.GenericTypeArguments.Any(t => t.FullName?.Contains("Otlp", StringComparison.Ordinal) == true);

    [Fact]
    public void Defaults_PrometheusAndDashboardOn_TracesOff()
    {
        var options = new TelemetryOptions();

        Assert.True(options.Enabled);
        Assert.True(options.Prometheus);
        Assert.False(options.RecordTraces);
        Assert.True(new DashboardSettings().Enabled);
    }
}
