namespace CityBrain.Contracts;

/// <summary>The street command center 街道指挥中心 (key: street id): the top of the escalation chain.</summary>
public interface IStreetGrain : IBoardGrain;
