namespace CityBrain.Silo.Telemetry;

/// <summary>Telemetry settings (configuration section <c>CityBrain:Telemetry</c>; DEVELOPERS.md, "Observability").</summary>
public sealed class TelemetryOptions
{
    public const string Section = "CityBrain:Telemetry";

    /// <summary>The standard OpenTelemetry variable, read when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string OtlpEnvironmentKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>OpenTelemetry at all. Default true; false registers no meter provider, tracer provider, exporter or
    /// <c>/metrics</c> (the city's instruments then have no listener and record nothing), whatever the other settings say.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where traces, metrics and logs are sent over OTLP (e.g. http://collector:4317). Default: none, and then
    /// nothing leaves the process (traces are not even recorded); <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when unset.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The <c>deployment.environment</c> resource attribute. Default: the ASP.NET Core environment name.</summary>
    public string? Environment { get; set; }

    /// <summary>Record traces even without an OTLP endpoint, for an exporter added in code (tests). Default false.</summary>
    public bool RecordTraces { get; set; }

    /// <summary>The share of API requests (and of events streamed through <c>SubmitStream</c>, each a trace of its own)
    /// whose traces are recorded and exported, 0 to 1, decided by trace id; within <see cref="MaxTracesPerSecond"/>.
    /// Default 1: every request is traced while the silo is below that limit. A caller whose <c>traceparent</c> says
    /// "sampled" is traced whatever the ratio (within the limit too), so an integrator chasing one event can have its trace.</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>The most traces a silo starts a second (requests and streamed events it samples; a burst of a second's worth
    /// after a quiet spell), 0 for no limit. Default 100. Tracing costs by the trace: each records about ten spans, and
    /// sampling a tenth of a streamed intake at full load (about 1,200 traces a second) cost it 10–13 % of its throughput,
    /// a hundredth 2 % (the <c>telemetry</c> benchmark on warm silos, 2026-12-05). The limit keeps the cost of the
    /// peak near the latter, while a quiet center is traced in full.</summary>
    public int MaxTracesPerSecond { get; set; } = 100;

    /// <summary>Every instrument of Orleans' meter, not only its gauges and failure counters. Default false: the whole
    /// meter records per message and per grain call, which cost a busy silo a third of its streamed intake (measured on a
    /// silo still compiling, 2026-12-03; deploy/observability/README.md, "Cost").</summary>
    public bool AllOrleansMetrics { get; set; }

    /// <summary>Serve <c>/metrics</c> (Prometheus text format) on the HTTP port. Default true.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>The configuration key the OTLP endpoint came from (for messages).</summary>
    internal string OtlpEndpointKey { get; set; } = Section + ":" + nameof(OtlpEndpoint);

    /// <summary>Traces are recorded: something will export them.</summary>
    internal bool TracesRecorded => Enabled && (RecordTraces || !string.IsNullOrWhiteSpace(OtlpEndpoint));

    /// <summary><c>/metrics</c> is served.</summary>
    internal bool ServesPrometheus => Enabled && Prometheus;

    /// <summary>Reads the settings, with the endpoint from <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when the section has none.</summary>
    internal static TelemetryOptions From(IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        Apply(configuration, options);
        return options;
    }

    /// <summary>Binds the section onto <paramref name="options"/> and resolves the endpoint's key.</summary>
    internal static void Apply(IConfiguration configuration, TelemetryOptions options)
    {
        configuration.GetSection(Section).Bind(options);
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint) && configuration[OtlpEnvironmentKey] is { Length: > 0 } fromEnvironment)
        {
            options.OtlpEndpoint = fromEnvironment;
            options.OtlpEndpointKey = OtlpEnvironmentKey;
        }
    }

    /// <summary>The OTLP endpoint when it is set and well formed, else null.</summary>
    internal Uri? OtlpUri() =>
        Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
            ? uri
            : null;
}
