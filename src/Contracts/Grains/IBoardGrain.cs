using Orleans.Concurrency;

namespace CityBrain.Contracts;

/// <summary>A supervision board 督办: incidents near or past a deadline that this level must answer, a view of the
/// incident feed. Reached through the grain interface of its level (<see cref="IGridGrain"/>, <see cref="ICommunityGrain"/>,
/// <see cref="IStreetGrain"/>).</summary>
public interface IBoardGrain : IGrainWithStringKey
{
    /// <summary>Applies the posts and clears the view projector delivers (those after the position recorded for its
    /// shard; a batch delivered again changes nothing). Completes when durable.</summary>
    Task Apply(ViewUpdate update);

    /// <summary>The current entries.</summary>
    [ReadOnly]
    Task<Board> GetBoard();
}
