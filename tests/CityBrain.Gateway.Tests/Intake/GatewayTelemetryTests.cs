using System.Diagnostics;
using CityBrain.Testing;

namespace CityBrain.Gateway.Tests.Intake;

/// <summary>Each streamed event's root span: started and current when sampled, not started at all when not.</summary>
public sealed class GatewayTelemetryTests
{
    [Fact]
    public void StartStreamedEvent_NotSampled_StartsNoActivityAndLeavesNoneCurrent()
    {
        // A tracer that drops the root still asks for a propagation-only activity: it used to be started and made current,
        // so every continuation of the event carried it, though nothing under it was recorded.
        using var watched = new FlowActivities(source => source == GatewayTelemetry.ActivitySourceName, ActivitySamplingResult.PropagationData);
        using var stream = new Activity("the stream's call").Start();

        var root = GatewayTelemetry.StartStreamedEvent("not-sampled-1");

        Assert.Null(root);
        Assert.Null(Activity.Current);
        Assert.Empty(watched.Started);
    }

    [Fact]
    public void StartStreamedEvent_Sampled_StartsACurrentRootLinkedToTheStreamsCall()
    {
        using var watched = new FlowActivities(source => source == GatewayTelemetry.ActivitySourceName, ActivitySamplingResult.AllDataAndRecorded);
        using var stream = new Activity("the stream's call").SetIdFormat(ActivityIdFormat.W3C).Start();

        using var root = GatewayTelemetry.StartStreamedEvent("sampled-1");

        Assert.NotNull(root);
        Assert.Same(root, Activity.Current);
        Assert.Equal(ActivityKind.Consumer, root.Kind);
        Assert.Equal(default, root.ParentSpanId);
        Assert.Contains(root.Links, link => link.Context.SpanId == stream.SpanId);
        Assert.Equal("sampled-1", root.GetTagItem("citybrain.source_event_id"));
        Assert.Same(root, Assert.Single(watched.Started));
    }
}
