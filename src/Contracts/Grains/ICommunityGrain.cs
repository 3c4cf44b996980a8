namespace CityBrain.Contracts;

/// <summary>A community 社区 (key: community id): incidents escalated to it.</summary>
public interface ICommunityGrain : IBoardGrain;
