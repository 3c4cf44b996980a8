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

    /// <summary>Starts the root span of one streamed event and makes it current (null when no one records it). Call it
    /// in the event's own async flow: it clears the stream's span from that flow.</summary>
    internal static Activity? StartStreamedEvent(string sourceEventId)
    {
        var stream = Activity.Current;
        Activity.Current = null;
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(
            ActivityKind.Consumer, parentContext: default, links: stream is null ? null : [new ActivityLink(stream.Context)], name: StreamedEventName);
        activity?.SetTag("citybrain.source_event_id", sourceEventId);
        return activity;
    }
}
