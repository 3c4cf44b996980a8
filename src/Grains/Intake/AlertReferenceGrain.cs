using CityBrain.Contracts;

namespace CityBrain.Grains.Intake;

/// <summary>The incident a merged alert went to (<see cref="IAlertReferenceGrain"/>), in grain storage.</summary>
[GrainType("alert-reference")]
internal sealed class AlertReferenceGrain(
    [PersistentState("alert-reference")] IPersistentState<AlertReferenceState> state) : Grain, IAlertReferenceGrain
{
    public Task<string> Get() => Task.FromResult(state.State.IncidentId);

    public async Task Set(string incidentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        if (state.State.IncidentId == incidentId)
        {
            return;
        }

        state.State = new AlertReferenceState { IncidentId = incidentId };
        await state.WriteStateAsync();
    }

    /// <summary>The key of an alert's entry: its source and source event id (neither contains '|').</summary>
    public static string Key(string source, string sourceEventId) => $"{source}|{sourceEventId}";
}
