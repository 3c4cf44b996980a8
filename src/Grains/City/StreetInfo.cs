namespace CityBrain.Grains.City;

/// <summary>A street 街道 and its command center.</summary>
public sealed record StreetInfo(string Id, string Name, Person? Head);
