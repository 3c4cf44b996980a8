using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Incidents;

namespace CityBrain.Grains.Intake;

/// <summary>
/// The alerts of one camera and alarm type. A new alert within the merge window of the last one is counted on
/// the channel's open incident; otherwise (or when that incident is finished) it creates a new incident. A retry
/// of an alert returns the incident it went to; a cancel finds it too.
/// </summary>
[GrainType("camera-channel")]
internal sealed class CameraChannelGrain(
    [PersistentState("camera-channel")] IPersistentState<CameraChannelState> state,
    CityDirectory city,
    TimeProvider time) : Grain, ICameraChannelGrain
{
    private const int MaxRecent = 512;

    public async Task<SubmitAck> Submit(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var eventId = request.Event.SourceEventId;
        var own = IncidentIds.For(request.Event.Source, eventId);
        if (Lookup(eventId) is { } known)
        {
            var incident = GrainFactory.GetGrain<IIncidentGrain>(known);
            return known == own ? await incident.Report(request) : await incident.MergeAlert(request);
        }

        var now = time.GetUtcNow();
        var window = city.Require().VideoMergeWindow;
        SubmitAck? ack = null;
        if (State.CurrentIncidentId.Length > 0 && now - State.LastAlertAt <= window)
        {
            ack = await GrainFactory.GetGrain<IIncidentGrain>(State.CurrentIncidentId).MergeAlert(request);
        }

        if (ack is null || ack.IncidentId.Length == 0)
        {
            ack = await GrainFactory.GetGrain<IIncidentGrain>(own).Report(request);
        }

        var recent = State.Recent.Append(new KeyValuePair<string, string>(eventId, ack.IncidentId)).TakeLast(MaxRecent).ToList();
        state.State = new CameraChannelState { CurrentIncidentId = ack.IncidentId, LastAlertAt = now, Recent = recent };
        await state.WriteStateAsync();
        return ack;
    }

    public Task<SubmitAck> Cancel(ReportRequest cancel)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        var reference = cancel.Event.ReferencesEventId;
        var incident = Lookup(reference) ?? IncidentIds.For(cancel.Event.Source, reference);
        return GrainFactory.GetGrain<IIncidentGrain>(incident).RetractAlert(cancel);
    }

    private CameraChannelState State => state.State;

    private string? Lookup(string eventId)
    {
        for (var i = State.Recent.Count - 1; i >= 0; i--)
        {
            if (State.Recent[i].Key == eventId)
            {
                return State.Recent[i].Value;
            }
        }

        return null;
    }
}
