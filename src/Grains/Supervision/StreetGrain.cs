using CityBrain.Contracts;

namespace CityBrain.Grains.Supervision;

/// <summary>The street command center's board: the top of the escalation chain.</summary>
[GrainType("street")]
internal sealed class StreetGrain([PersistentState("street-board")] IPersistentState<BoardState> state) : BoardGrain(state, BoardLevel.Street), IStreetGrain;
