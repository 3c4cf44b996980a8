using CityBrain.Contracts;
using CityBrain.Grains.City;

namespace CityBrain.Grains.Lifecycle;

/// <summary>A message an incident sends after a committed transition: to a department (its open assignments) or to
/// the board of a level of the escalation chain (督办).</summary>
internal sealed record Notice(EscalationLevel? Level, string Key, BoardEntry? Post, BoardClear? Clear, AssignmentNotice? Assignment)
{
    public string Describe() => Level is { } level ? $"{level.ToString().ToLowerInvariant()}/{Key}" : $"department/{Key}";
}
