namespace CityBrain.Grains.City;

/// <summary>A community 社区 of a street.</summary>
public sealed record CommunityInfo(string Id, string Name, string StreetId, Person? Head);
