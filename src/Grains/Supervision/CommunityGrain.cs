using CityBrain.Contracts;

namespace CityBrain.Grains.Supervision;

/// <summary>A community's board: incidents escalated to it.</summary>
[GrainType("community")]
internal sealed class CommunityGrain([PersistentState("community-board")] IPersistentState<BoardState> state) : BoardGrain(state, BoardLevel.Community), ICommunityGrain;
