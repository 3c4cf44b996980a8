using OpenTelemetry.Trace;

namespace CityBrain.Silo.Telemetry;

/// <summary>
/// Starts traces at requests only: a root span of kind server or consumer (an API call, a message in) is recorded; a root
/// span of the background loops (feed and deadline polling, membership probes: client or internal spans without a parent)
/// is not, so a silo at rest produces no traces. Spans with a parent follow it (<see cref="ParentBasedSampler"/>).
/// </summary>
internal sealed class RequestRootSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind is System.Diagnostics.ActivityKind.Server or System.Diagnostics.ActivityKind.Consumer
            ? new SamplingResult(SamplingDecision.RecordAndSample)
            : new SamplingResult(SamplingDecision.Drop);
}
