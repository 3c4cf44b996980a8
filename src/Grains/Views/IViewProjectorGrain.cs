using CityBrain.Grains.Telemetry;
using Orleans.Concurrency;

namespace CityBrain.Grains.Views;

/// <summary>One shard of the view projector (key 0 .. <see cref="ViewProjectorGrain.Shards"/> - 1).</summary>
internal interface IViewProjectorGrain : IGrainWithIntegerKey
{
    /// <summary>Activates the projector if it is not; returns at once.</summary>
    [AlwaysInterleave]
    Task Ping();

    /// <summary>Completes once every notice of the incident feed up to <paramref name="position"/> was delivered.</summary>
    [AlwaysInterleave]
    Task ReadUpTo(long position);
}

/// <summary>Where a projector shard has delivered the incident feed up to.</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Views.ProjectorPosition")]
public sealed record ProjectorPosition
{
    /// <summary>The last feed position whose notices were all delivered.</summary>
    [Id(0)]
    public long Position { get; init; }

    /// <summary>The shard's open incidents as of <see cref="Position"/> (the gauge <c>citybrain.incidents.open</c>).</summary>
    [Id(1)]
    public IReadOnlyList<OpenIncidentCount>? OpenIncidents { get; init; }
}
