using CityBrain.Actors;

namespace CityBrain.Contracts;

/// <summary>A supervision board 督办: incidents near or past a deadline that this level must answer.</summary>
public interface IBoardGrain : IGrain
{
    /// <summary>Posts (or updates) an entry. Completes when durable.</summary>
    Task Post(BoardEntry entry);

    /// <summary>Removes an incident's entry (answered or finished). Unknown ids are ignored.</summary>
    Task Clear(BoardClear clear);

    /// <summary>The current entries.</summary>
    [ReadOnly]
    Task<Board> GetBoard();
}
