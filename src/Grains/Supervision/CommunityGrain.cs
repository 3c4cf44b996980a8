using CityBrain.Actors;
using CityBrain.Contracts;

namespace CityBrain.Grains.Supervision;

/// <summary>A community's board: incidents escalated to it.</summary>
[GrainType("community")]
internal sealed class CommunityGrain() : BoardGrain(BoardLevel.Community), ICommunityGrain;
