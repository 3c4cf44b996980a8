using CityBrain.Contracts;

namespace CityBrain.Grains.Drills;

/// <summary>One timed event of a drill scenario: injected <paramref name="Offset"/> after the drill starts.</summary>
public sealed record DrillScenarioEvent(string Id, TimeSpan Offset, IntakeEvent Event);
