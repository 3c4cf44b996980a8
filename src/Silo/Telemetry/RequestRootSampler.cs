using CityBrain.Gateway;
using OpenTelemetry.Trace;

namespace CityBrain.Silo.Telemetry;

/// <summary>
/// Starts traces at requests only: the root span of an HTTP or gRPC call (ASP.NET Core's server span) or of an event
/// streamed through <c>SubmitStream</c> (the gateway's consumer span) is recorded. Any other root is not: the background
/// loops' spans (feed and deadline polling, membership probes), and a grain call whose caller had no trace (a deadline shard
/// firing, the outbox delivering; <see cref="GrainCallTracing"/> starts no span for it at all), so a silo at rest produces
/// no traces. Of the request roots, the share <paramref name="ratio"/> is kept, decided by the trace id (OpenTelemetry's
/// <see cref="TraceIdRatioBasedSampler"/>), and of those at most as many a second as <paramref name="limit"/> admits: at
/// night every request is traced, at the peak the cost stays bounded. Use <see cref="Create"/>: spans with a parent follow
/// it, except a request whose caller's <c>traceparent</c> says "sampled", which is traced whatever the ratio but within
/// the limit (<see cref="CallerSampledRequests"/>).
/// </summary>
internal sealed class RequestRootSampler(double ratio = 1.0, TraceRateLimit? limit = null) : Sampler
{
    /// <summary>The name of ASP.NET Core's span of an incoming request.</summary>
    public const string HttpRequestName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly SamplingResult Sampled = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Dropped = new(SamplingDecision.Drop);

    private readonly Sampler _requests = ratio >= 1.0 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);

    /// <summary>The silo's sampler: requests start traces (<paramref name="ratio"/> of them, at most
    /// <paramref name="perSecond"/> a second, 0 for no limit, counted by <paramref name="time"/>), other spans follow their
    /// parent.</summary>
    public static Sampler Create(double ratio, int perSecond, TimeProvider time)
    {
        var limit = perSecond > 0 ? new TraceRateLimit(perSecond, time) : null;
        return new ParentBasedSampler(new RequestRootSampler(ratio, limit), remoteParentSampled: new CallerSampledRequests(limit));
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        IsRequest(samplingParameters)
        && _requests.ShouldSample(samplingParameters).Decision == SamplingDecision.RecordAndSample
        && (limit?.TryTake() ?? true)
            ? Sampled
            : Dropped;

    /// <summary>Whether the span is a request's: ASP.NET Core's server span, or a streamed event's.</summary>
    internal static bool IsRequest(in SamplingParameters span) => span.Kind switch
    {
        System.Diagnostics.ActivityKind.Server => span.Name == HttpRequestName,
        System.Diagnostics.ActivityKind.Consumer => span.Name == GatewayTelemetry.StreamedEventName,
        _ => false,
    };

    /// <summary>Spans whose parent came from elsewhere with "sampled": a request whose caller sent such a
    /// <c>traceparent</c> takes its place within the limit (an integrator cannot make every call of a busy stream a
    /// trace); a grain call's span under a sampled trace (its parent comes in the call's request context) is recorded.</summary>
    internal sealed class CallerSampledRequests(TraceRateLimit? limit) : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            !IsRequest(samplingParameters) || (limit?.TryTake() ?? true) ? Sampled : Dropped;
    }
}
