using System.Text.Json;
using CityBrain.Testing;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>The example Grafana dashboard and Prometheus alert rules parse and use documented metric names only.</summary>
public sealed class ObservabilityFileTests
{
    [Fact]
    public void GrafanaDashboard_Parses_AndEveryPanelQueriesDocumentedMetrics()
    {
        using var dashboard = JsonDocument.Parse(RepositoryFiles.Read("deploy/observability/grafana-dashboard.json"));

        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)
            .ToList();
        Assert.NotEmpty(expressions);
        AssertDocumented(expressions, "grafana-dashboard.json");
    }

    [Fact]
    public void AlertRules_Parse_AndCoverBreachesAckLatencySilosAndStorageWithDocumentedMetrics()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(RepositoryFiles.Read("deploy/observability/prometheus-alerts.yaml")))
        {
            yaml.Load(reader);
        }

        var rules = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["groups"]).Children
            .Cast<YamlMappingNode>()
            .SelectMany(group => ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>())
            .ToDictionary(rule => rule["alert"].ToString(), rule => rule["expr"].ToString());
        var metrics = rules.Values.SelectMany(ObservabilityDocs.MetricsIn).ToHashSet();

        Assert.Contains("citybrain_sla_breaches_total", metrics);
        Assert.Contains("citybrain_intake_ack_duration_seconds", metrics);
        Assert.Contains("citybrain_cluster_silos", metrics);
        Assert.Contains("citybrain_journal_commit_errors_total", metrics);
        AssertDocumented(rules.Values, "prometheus-alerts.yaml");
    }

    [Fact]
    public void MetricTable_NamesEachMetricTheWayPrometheusShowsIt()
    {
        var rows = ObservabilityDocs.CityMetrics();

        Assert.NotEmpty(rows);
        foreach (var (name, prometheus) in rows)
        {
            var expected = name.Replace('.', '_');
            Assert.True(prometheus == expected || prometheus == expected + "_total" || prometheus == expected + "_seconds", $"{name} is shown as {prometheus}");
        }
    }

    private static void AssertDocumented(IEnumerable<string> expressions, string file)
    {
        var documented = ObservabilityDocs.PrometheusNames();
        foreach (var metric in expressions.SelectMany(ObservabilityDocs.MetricsIn))
        {
            Assert.True(documented.Contains(metric), $"{file} uses {metric}, which {ObservabilityDocs.Readme} does not document");
        }
    }
}
