using CityBrain.Actors;
using CityBrain.Contracts;

namespace CityBrain.Grains.Supervision;

/// <summary>The street command center's board: the top of the escalation chain.</summary>
[GrainType("street")]
internal sealed class StreetGrain() : BoardGrain(BoardLevel.Street), IStreetGrain;
