namespace CityBrain.Actors.Tests.Grains;

public interface ITallyGrain : IGrain
{
    Task Add(int value);

    Task<int[]> Values();

    Task<long> Confirmed();
}

public sealed record TallyState
{
    public IReadOnlyList<int> Values { get; init; } = [];
}

public sealed record Tallied(int Value);

/// <summary>A reentrant journaled grain: many requests raise and confirm events while others are confirming.</summary>
[Reentrant]
public sealed class TallyGrain : JournaledGrain<TallyState, Tallied>, ITallyGrain
{
    protected override int SnapshotInterval => 7;

    protected override TallyState Apply(TallyState state, Tallied @event) => state with { Values = [.. state.Values, @event.Value] };

    public async Task Add(int value)
    {
        RaiseEvent(new Tallied(value));
        await Task.Yield(); // let other requests raise theirs before this one confirms
        await ConfirmEventsAsync();
    }

    public Task<int[]> Values() => Task.FromResult(State.Values.ToArray());

    public Task<long> Confirmed() => Task.FromResult(Version);
}
