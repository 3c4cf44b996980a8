using CityBrain.Actors;
using CityBrain.Contracts;

namespace CityBrain.Grains.Intake;

/// <summary>Reading incidents through the daily index (<see cref="IIncidentIndexGrain"/>).</summary>
internal static class IncidentIndex
{
    /// <summary>
    /// The incident, or null when it does not exist: the index entry is written alongside the incident's first journal
    /// append, so an append that failed (and was not retried yet) leaves an id without an incident.
    /// </summary>
    public static async Task<Incident?> ReadAsync(IGrainFactory grains, string id, Actor reader)
    {
        try
        {
            return await grains.GetGrain<IIncidentGrain>(id).Get(reader);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
