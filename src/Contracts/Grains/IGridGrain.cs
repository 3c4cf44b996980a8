namespace CityBrain.Contracts;

/// <summary>A grid 网格 (key: grid id): its grid head's board of warnings.</summary>
public interface IGridGrain : IBoardGrain;
