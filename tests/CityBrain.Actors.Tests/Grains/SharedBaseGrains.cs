namespace CityBrain.Actors.Tests.Grains;

public interface INamedBoard : IGrain
{
    Task<string> Name();
}

public interface IStreetBoard : INamedBoard
{
    Task<int> Level();
}

public interface IGridBoard : INamedBoard;

public sealed class StreetBoardGrain : Grain, IStreetBoard
{
    public Task<string> Name() => Task.FromResult("street:" + GrainKey);

    public Task<int> Level() => Task.FromResult(2);
}

public sealed class GridBoardGrain : Grain, IGridBoard
{
    public Task<string> Name() => Task.FromResult("grid:" + GrainKey);
}
