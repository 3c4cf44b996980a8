using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Telemetry;

namespace CityBrain.Grains.Intake;

/// <summary>
/// The intake path (the gateway's EventIntake.Submit): validates the event and the caller, then reaches the one
/// grain that owns it — the incident keyed by (source, source_event_id), or the camera channel for video alerts.
/// The ack is returned only after the event is durably stored. A plain alert costs one grain call and one journal
/// append (plus a group-committed index entry).
/// </summary>
public sealed class IncidentIntake(IGrainFactory grains, CityDirectory city, TimeProvider time, CityMetrics metrics)
{
    /// <summary>Submits an event as <paramref name="actor"/>.</summary>
    /// <exception cref="ValidationException">A field is invalid (named in the error).</exception>
    /// <exception cref="PermissionDeniedException">The actor may not submit for this source.</exception>
    /// <exception cref="CityNotLoadedException">No city is loaded.</exception>
    public Task<SubmitAck> SubmitAsync(Actor actor, IntakeEvent intakeEvent)
    {
        ArgumentNullException.ThrowIfNull(intakeEvent);
        return SubmitAsync(new ReportRequest { Actor = actor, Event = intakeEvent });
    }

    internal async Task<SubmitAck> SubmitAsync(ReportRequest request)
    {
        // The real clock, not the injected one: this measures the store and the grains, not the city's time.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ack = await SendAsync(request);
        metrics.IntakeAcknowledged(ack, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return ack;
    }

    private Task<SubmitAck> SendAsync(ReportRequest request)
    {
        var model = city.Require();
        IntakeValidator.Validate(request, model, time.GetUtcNow());
        var e = request.Event;
        if (e.MessageType == MessageType.Cancel)
        {
            return e.Video is { } cancelled
                ? grains.GetGrain<ICameraChannelGrain>(IncidentIds.Channel(e.Source, cancelled.CameraId, cancelled.AlarmType, request.Exercise)).Cancel(request)
                : grains.GetGrain<IIncidentGrain>(IncidentIds.For(e.Source, e.ReferencesEventId)).RetractAlert(request);
        }

        return e.Video is { } video
            ? grains.GetGrain<ICameraChannelGrain>(IncidentIds.Channel(e.Source, video.CameraId, video.AlarmType, request.Exercise)).Submit(request)
            : grains.GetGrain<IIncidentGrain>(IncidentIds.For(e.Source, e.SourceEventId)).Report(request);
    }
}
