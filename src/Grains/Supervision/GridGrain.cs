using CityBrain.Contracts;

namespace CityBrain.Grains.Supervision;

/// <summary>A grid's board (its grid head 网格长 answers warnings first).</summary>
[GrainType("grid")]
internal sealed class GridGrain([PersistentState("grid-board")] IPersistentState<BoardState> state) : BoardGrain(state, BoardLevel.Grid), IGridGrain;
