using System.Diagnostics;

namespace CityBrain.Gateway;

/// <summary>
/// The gateway's own spans. Each event of a <c>SubmitStream</c> call is a trace of its own: a root span of kind
/// <see cref="ActivityKind.Consumer"/> named <see cref="StreamedEventName"/>, linked to the stream's call. So a stream is
/// sampled event by event, as unary calls are, instead of all or nothing; and a stream that runs for hours is not one
/// trace of millions of spans.
/// </summary>
public static class GatewayTelemetry
{
    /// <summary>The activity source to listen to (the silo's tracer adds it).</summary>
    public const string ActivitySourceName = "CityBrain.Gateway";

    /// <summary>The name of a streamed event's root span.</summary>
    public const string StreamedEventName = "citybrain.v1.EventIntake/SubmitStream event";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Starts the root span of one streamed event and makes it current when the event is sampled; null, leaving
    /// no activity current, when it is not (or no one listens). Call it in the event's own async flow: it clears the
    /// stream's span from that flow.</summary>
    /// <remarks>A dropped root would still be created by OpenTelemetry for propagation alone; nothing downstream traces
    /// under an unrecorded span (the grain call filters trace recorded callers only), so it is not started: the event's
    /// flow keeps the execution context it had, instead of one with an activity in it that every continuation carries.</remarks>
    internal static Activity? StartStreamedEvent(string sourceEventId)
    {
        var stream = Activity.Current;
        Activity.Current = null;
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.CreateActivity(
            StreamedEventName, ActivityKind.Consumer, parentContext: default, links: stream is null ? null : [new ActivityLink(stream.Context)]);
        if (activity is not { Recorded: true })
        {
            return null;
        }

        activity.SetTag("citybrain.source_event_id", sourceEventId);
        return activity.Start();
    }
}
