using System.Diagnostics.Metrics;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary><c>/metrics</c> on the HTTP port serves the city's metrics, Orleans' and the runtime's, under the documented names.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsEndpointTests(TelemetrySilo silo)
{
    [Fact]
    public async Task Metrics_AfterAnIntake_ListsTheDocumentedNamesOfWhatWasRecorded()
    {
        using var channel = ApiChannel.Create(silo.GrpcAddress, silo.Issuer.Issue(new Actor { UserId = "12345", Role = Role.Feed, Source = "12345" }, TimeSpan.FromHours(1)));
        await new EventIntake.EventIntakeClient(channel).SubmitAsync(new SubmitRequest { Event = TelemetryEvents.Alert("metrics-1") });
        using var http = new HttpClient { BaseAddress = silo.HttpAddress };

        var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, $"/metrics answered {response.StatusCode}");
        Assert.Contains("citybrain_incidents_received_total{", text);
        Assert.Contains("channel=\"12345\"", text);
        Assert.Contains("citybrain_intake_ack_duration_seconds_bucket{", text);
        Assert.Contains("citybrain_cluster_silos", text);
        var documented = ObservabilityDocs.PrometheusNames();
        foreach (var other in new[] { "orleans_catalog_activations", "http_server_request_duration_seconds", "kestrel_active_connections", "dotnet_gc_collections_total", "db_client_operation_duration_seconds" })
        {
            Assert.Contains(other, documented);
            Assert.Contains(other, text);
        }

        // Orleans' per-call and per-message instruments stay off unless CityBrain:Telemetry:AllOrleansMetrics (their cost).
        Assert.DoesNotContain("orleans_app_requests_latency", text);
        Assert.DoesNotContain("orleans_messaging_processing_dispatcher_received", text);
    }

    [Fact]
    public void CityMeter_Instruments_AreExactlyTheDocumentedOnes()
    {
        var factory = silo.Services.GetRequiredService<IMeterFactory>();

        // The instruments exist once the city's metrics do (a singleton made on first use, as by a first intake).
        _ = silo.Services.GetRequiredService<CityMetrics>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == CityMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    names.Add(instrument.Name);
                }
            };
            listener.Start();
        }

        Assert.Equal(ObservabilityDocs.CityMetrics().Select(row => row.Name).Order(), names.Order());
    }
}
