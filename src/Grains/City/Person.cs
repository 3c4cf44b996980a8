namespace CityBrain.Grains.City;

/// <summary>A named person of the city file (grid worker 网格员, grid head 网格长, community or street head).</summary>
public sealed record Person(string Id, string Name, string Phone);
