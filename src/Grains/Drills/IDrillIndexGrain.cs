using Orleans.Concurrency;

namespace CityBrain.Grains.Drills;

/// <summary>The list of drills (key 0): the ids of the most recent <see cref="DrillIndexGrain.Capacity"/> drills started,
/// numbered in the order they started, so ListDrills pages newest first. A drill adds itself when it starts.</summary>
internal interface IDrillIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a drill (a drill already listed keeps its place).</summary>
    Task Add(string drillId);

    /// <summary>Up to <paramref name="count"/> drill ids, newest first, numbered below <paramref name="before"/> (0: from the newest).</summary>
    [ReadOnly]
    Task<DrillIndexPage> List(long before, int count);
}

/// <summary>A page of the drill index: ids newest first, and the number to list before for the next page (0: the end).</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Drills.DrillIndexPage")]
public sealed record DrillIndexPage([property: Id(0)] string[] DrillIds, [property: Id(1)] long Next);
