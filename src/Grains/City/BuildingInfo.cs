namespace CityBrain.Grains.City;

/// <summary>An optional building 楼栋 inside a grid.</summary>
public sealed record BuildingInfo(string Id, string Name, string GridId, double Longitude, double Latitude);
