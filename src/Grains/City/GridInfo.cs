using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace CityBrain.Grains.City;

/// <summary>A grid 网格: its polygon (WGS-84, lon/lat), community, head and workers.</summary>
public sealed class GridInfo
{
    internal GridInfo(string id, string name, string communityId, string streetId, Polygon polygon, Person? head, IReadOnlyList<Person> workers)
    {
        Id = id;
        Name = name;
        CommunityId = communityId;
        StreetId = streetId;
        Polygon = polygon;
        Prepared = PreparedGeometryFactory.Prepare(polygon);
        Head = head;
        Workers = workers;
    }

    /// <summary>The grid id.</summary>
    public string Id { get; }

    /// <summary>Its name.</summary>
    public string Name { get; }

    /// <summary>The community it belongs to.</summary>
    public string CommunityId { get; }

    /// <summary>The street of its community.</summary>
    public string StreetId { get; }

    /// <summary>Its area.</summary>
    public Polygon Polygon { get; }

    internal IPreparedGeometry Prepared { get; }

    /// <summary>The grid head 网格长.</summary>
    public Person? Head { get; }

    /// <summary>The grid workers 网格员; the first is the one on duty (evaluation by worker).</summary>
    public IReadOnlyList<Person> Workers { get; }
}
