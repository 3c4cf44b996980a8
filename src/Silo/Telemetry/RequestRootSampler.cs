using OpenTelemetry.Trace;

namespace CityBrain.Silo.Telemetry;

/// <summary>
/// Starts traces at requests only: a root span of kind server or consumer (an API call, a message in) is recorded; a root
/// span of the background loops (feed and deadline polling, membership probes: client or internal spans without a parent)
/// is not, so a silo at rest produces no traces. Of the request roots, the share <paramref name="ratio"/> is kept, decided
/// by the trace id (OpenTelemetry's <see cref="TraceIdRatioBasedSampler"/>: every silo keeps the same traces). Spans with
/// a parent follow it (<see cref="ParentBasedSampler"/>).
/// </summary>
internal sealed class RequestRootSampler(double ratio = 1.0) : Sampler
{
    private readonly Sampler _requests = ratio >= 1.0 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind is System.Diagnostics.ActivityKind.Server or System.Diagnostics.ActivityKind.Consumer
            ? _requests.ShouldSample(samplingParameters)
            : new SamplingResult(SamplingDecision.Drop);
}
