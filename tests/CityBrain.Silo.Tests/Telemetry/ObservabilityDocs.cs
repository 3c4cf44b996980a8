using System.Text.RegularExpressions;
using CityBrain.Testing;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>What deploy/observability/README.md documents: the city's metric table and every metric name it mentions.</summary>
internal static partial class ObservabilityDocs
{
    public const string Readme = "deploy/observability/README.md";

    /// <summary>The (OpenTelemetry name, Prometheus name) rows of the city's metric table.</summary>
    public static IReadOnlyList<(string Name, string Prometheus)> CityMetrics() =>
        RepositoryFiles.Read(Readme).Split('\n').Select(line => TableRow().Match(line)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    /// <summary>Every Prometheus-style name the README quotes (the city's and the other meters').</summary>
    public static IReadOnlySet<string> PrometheusNames() =>
        QuotedName().Matches(RepositoryFiles.Read(Readme)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The metric names a PromQL text uses (a histogram's series named after the histogram).</summary>
    public static IEnumerable<string> MetricsIn(string promql) =>
        MetricName().Matches(promql).Select(m => HistogramSeries().Replace(m.Value, ""));

    [GeneratedRegex(@"^\| `(citybrain\.[a-z0-9_.]+)` \| `(citybrain_[a-z0-9_]+)` \|")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"`([a-z]+_[a-z0-9_]+)`")]
    private static partial Regex QuotedName();

    [GeneratedRegex(@"\b(citybrain|orleans|http|dotnet|db)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();
}
