using System.Diagnostics;
using CityBrain.Silo.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>Traces start at requests only, and of those the configured share is kept, the same share on every silo.</summary>
public sealed class SamplerTests
{
    [Theory]
    [InlineData(ActivityKind.Client)]
    [InlineData(ActivityKind.Internal)]
    public void BackgroundRoot_IsDroppedWhateverTheRatio(ActivityKind kind)
    {
        var sampler = new RequestRootSampler(1.0);

        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), kind)).Decision);
    }

    [Fact]
    public void GrainCallWithoutATracedCaller_IsDroppedWhateverTheRatio()
    {
        // Orleans starts the grain side of a call from a deadline shard or the outbox as a server span without a parent.
        var sampler = new RequestRootSampler(1.0);

        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "IIncidentGrain/ReceiveDeadline", ActivityKind.Server)).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "some message", ActivityKind.Consumer)).Decision);
    }

    [Fact]
    public void RequestRoots_AllKeptAtOne_NoneAtZero_AboutTheRatioBetween_AndTheSameDecisionForTheSameTrace()
    {
        var traces = Enumerable.Range(0, 10_000).Select(_ => ActivityTraceId.CreateRandom()).ToArray();
        var all = new RequestRootSampler(1.0);
        var none = new RequestRootSampler(0.0);
        var tenth = new RequestRootSampler(0.1);
        var tenthOnAnotherSilo = new RequestRootSampler(0.1);

        Assert.All(traces, t => Assert.Equal(SamplingDecision.RecordAndSample, all.ShouldSample(Root(t, ActivityKind.Server)).Decision));
        Assert.All(traces, t => Assert.Equal(SamplingDecision.Drop, none.ShouldSample(Root(t, ActivityKind.Server)).Decision));
        var kept = traces.Where(t => tenth.ShouldSample(Root(t, ActivityKind.Server)).Decision == SamplingDecision.RecordAndSample).ToArray();
        Assert.InRange(kept.Length, 800, 1200);
        Assert.All(traces, t => Assert.Equal(
            tenth.ShouldSample(StreamedEvent(t)).Decision,
            tenthOnAnotherSilo.ShouldSample(Root(t, ActivityKind.Server)).Decision));
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    public async Task RatioOutsideZeroToOne_StopsTheStartNamingTheKey(string value)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = TelemetrySilo.Build(new Dictionary<string, string?> { ["CityBrain:Telemetry:TraceSampleRatio"] = value });
            await app.StartAsync();
        });

        Assert.Contains("CityBrain:Telemetry:TraceSampleRatio must be between 0 and 1", refused.Message);
    }

    /// <summary>A root span of <paramref name="kind"/>, named as ASP.NET Core names its request spans.</summary>
    private static SamplingParameters Root(ActivityTraceId trace, ActivityKind kind) => new(default, trace, RequestRootSampler.HttpRequestName, kind);

    private static SamplingParameters StreamedEvent(ActivityTraceId trace) => new(default, trace, CityBrain.Gateway.GatewayTelemetry.StreamedEventName, ActivityKind.Consumer);
}
