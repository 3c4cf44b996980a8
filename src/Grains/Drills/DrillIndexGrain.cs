namespace CityBrain.Grains.Drills;

/// <summary>Keeps the drill index in its own state row (`drill-index`); the oldest entry leaves when a new one would
/// make more than <see cref="Capacity"/>, so the row stays small (a drill that left the list is still read by its id).</summary>
[GrainType("drill-index")]
internal sealed class DrillIndexGrain([PersistentState("drill-index")] IPersistentState<DrillIndexState> state) : Grain, IDrillIndexGrain
{
    /// <summary>How many drills the list keeps.</summary>
    public const int Capacity = 500;

    public async Task Add(string drillId)
    {
        ArgumentException.ThrowIfNullOrEmpty(drillId);
        if (state.State.With(drillId, Capacity) is { } next)
        {
            state.State = next;
            await state.WriteStateAsync();
        }
    }

    public Task<DrillIndexPage> List(long before, int count) => Task.FromResult(state.State.Page(before, count));
}
