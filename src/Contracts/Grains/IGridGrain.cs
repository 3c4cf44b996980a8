using CityBrain.Actors;

namespace CityBrain.Contracts;

/// <summary>A grid 网格 (key: grid id): its grid head's board of warnings. A supervision board 督办: incidents near or past a deadline that this level must answer.</summary>
/// <remarks>The three board interfaces repeat their methods instead of sharing a base grain interface: the runtime
/// maps every grain interface a class implements to that one class, so a shared base would be claimed twice.</remarks>
public interface IGridGrain : IGrain
{
    /// <summary>Posts (or updates) an entry. Completes when durable.</summary>
    Task Post(BoardEntry entry);

    /// <summary>Removes an incident's entry (answered or finished). Unknown ids are ignored.</summary>
    Task Clear(BoardClear clear);

    /// <summary>The current entries.</summary>
    [ReadOnly]
    Task<Board> GetBoard();
}
