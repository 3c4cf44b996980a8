using System.Diagnostics;
using CityBrain.Silo.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>Traces start at requests only; of those the configured share is kept, within a number a second.</summary>
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

    [Fact]
    public void Limit_AdmitsASecondsWorthAtOnce_ThenAsTheClockMoves()
    {
        var clock = new FakeTimeProvider();
        var sampler = RequestRootSampler.Create(1.0, 100, clock);

        Assert.Equal(100, Kept(sampler, 1_000, () => Root(ActivityTraceId.CreateRandom(), ActivityKind.Server)));
        clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(5, Kept(sampler, 1_000, () => StreamedEvent(ActivityTraceId.CreateRandom())));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(100, Kept(sampler, 1_000, () => Root(ActivityTraceId.CreateRandom(), ActivityKind.Server)));
    }

    [Fact]
    public void Limit_CountsOnlyTheTracesTheRatioKeeps_AndNoneWhenZero()
    {
        var clock = new FakeTimeProvider();
        var traces = Enumerable.Range(0, 10_000).Select(_ => ActivityTraceId.CreateRandom()).ToArray();
        var tenth = RequestRootSampler.Create(0.1, 50, clock);
        var unlimited = RequestRootSampler.Create(0.1, 0, clock);

        // The ratio decides first: the 50 places go to the first 50 traces it keeps, not to the first 50 requests.
        var ratioKeeps = traces.Where(t => unlimited.ShouldSample(Root(t, ActivityKind.Server)).Decision == SamplingDecision.RecordAndSample).ToArray();
        Assert.InRange(ratioKeeps.Length, 800, 1200);
        var kept = traces.Where(t => tenth.ShouldSample(Root(t, ActivityKind.Server)).Decision == SamplingDecision.RecordAndSample).ToArray();
        Assert.Equal(ratioKeeps.Take(50), kept);
    }

    [Fact]
    public void LimitShared_ByManyThreadsAtOnce_AdmitsExactlyASecondsWorth()
    {
        var limit = new TraceRateLimit(1_000, new FakeTimeProvider());
        var admitted = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (limit.TryTake())
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(1_000, admitted);
    }

    [Fact]
    public void CallerSampledRequest_IsTracedWhateverTheRatio_WithinTheLimit_AndGrainSpansUnderItAlways()
    {
        var clock = new FakeTimeProvider();
        var sampler = RequestRootSampler.Create(0.0, 2, clock);
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var unsampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        SamplingParameters Request(ActivityContext parent) => new(parent, parent.TraceId, RequestRootSampler.HttpRequestName, ActivityKind.Server);
        SamplingParameters GrainCall(ActivityContext parent) => new(parent, parent.TraceId, "IIncidentGrain/Report", ActivityKind.Server);

        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Request(caller)).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Request(caller)).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Request(caller)).Decision); // the limit is spent
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(GrainCall(caller)).Decision); // its trace goes on
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(GrainCall(unsampledCaller)).Decision);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Request(unsampledCaller)).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Request(caller)).Decision);
    }

    [Fact]
    public async Task NegativeTracesPerSecond_StopsTheStartNamingTheKey()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = TelemetrySilo.Build(new Dictionary<string, string?> { ["CityBrain:Telemetry:MaxTracesPerSecond"] = "-1" });
            await app.StartAsync();
        });

        Assert.Contains("CityBrain:Telemetry:MaxTracesPerSecond must be 0 (no limit) or more (was -1)", refused.Message);
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

    private static int Kept(Sampler sampler, int count, Func<SamplingParameters> span) =>
        Enumerable.Range(0, count).Count(_ => sampler.ShouldSample(span()).Decision == SamplingDecision.RecordAndSample);

    /// <summary>A root span of <paramref name="kind"/>, named as ASP.NET Core names its request spans.</summary>
    private static SamplingParameters Root(ActivityTraceId trace, ActivityKind kind) => new(default, trace, RequestRootSampler.HttpRequestName, kind);

    private static SamplingParameters StreamedEvent(ActivityTraceId trace) => new(default, trace, CityBrain.Gateway.GatewayTelemetry.StreamedEventName, ActivityKind.Consumer);
}
