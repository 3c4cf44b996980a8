using CityBrain.Grains.Internal;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Valid;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Grains.City;

public static partial class CityFile
{
    private static readonly GeometryFactory Geometry = new(new PrecisionModel(), 4326);

    /// <summary>Reads the grids; returns (path, grid) for every grid without errors.</summary>
    private static List<KeyValuePair<string, GridInfo>> ReadGrids(DocumentReader reader, YamlMappingNode root, List<KeyValuePair<string, CommunityInfo>> communities)
    {
        var people = new HashSet<string>(StringComparer.Ordinal);
        var byId = ReadList(reader, root, "grids", required: true, (map, path, id) =>
        {
            reader.OnlyKeys(map, path, "id", "name", "community", "polygon", "head", "workers");
            var name = reader.String(map, "name", path, required: true);
            var communityId = reader.String(map, "community", path, required: true);
            var community = communities.FirstOrDefault(c => c.Key == communityId).Value;
            if (communityId is not null && community is null)
            {
                reader.Error(DocumentReader.Join(path, "community"), $"unknown community '{communityId}'");
            }

            var polygon = ReadPolygon(reader, map, DocumentReader.Join(path, "polygon"));
            var head = ReadPerson(reader, map, "head", path, people);
            var workers = new List<Person>();
            if (reader.Sequence(map, "workers", path, required: false) is { } list)
            {
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var workerPath = DocumentReader.Index(DocumentReader.Join(path, "workers"), i);
                    if (reader.Map(list.Children[i], workerPath) is { } workerMap && ReadPerson(reader, workerMap, workerPath, people) is { } worker)
                    {
                        workers.Add(worker);
                    }
                }
            }

            return name is null || community is null || polygon is null
                ? null
                : Tuple.Create(path, new GridInfo(id, name, community.Id, community.StreetId, polygon, head, workers));
        });
        return byId.Select(g => new KeyValuePair<string, GridInfo>(g.Value.Item1, g.Value.Item2)).ToList();
    }

    /// <summary>A GeoJSON Polygon: <c>{ type: Polygon, coordinates: [[[lon, lat], ...], ...holes] }</c>.</summary>
    private static Polygon? ReadPolygon(DocumentReader reader, YamlMappingNode parent, string path)
    {
        var map = reader.Map(DocumentReader.Get(parent, "polygon"), path);
        if (map is null)
        {
            return null;
        }

        reader.OnlyKeys(map, path, "type", "coordinates");
        var type = reader.String(map, "type", path, required: true);
        if (type is not null && type != "Polygon")
        {
            reader.Error(DocumentReader.Join(path, "type"), $"'{type}' is not supported (a GeoJSON Polygon is expected)");
            return null;
        }

        var ringsNode = reader.Sequence(map, "coordinates", path, required: true);
        if (ringsNode is null)
        {
            return null;
        }

        if (ringsNode.Children.Count == 0)
        {
            reader.Error(DocumentReader.Join(path, "coordinates"), "needs an outer ring");
            return null;
        }

        var rings = new List<LinearRing>();
        var ok = true;
        for (var r = 0; r < ringsNode.Children.Count; r++)
        {
            var ringPath = DocumentReader.Index(DocumentReader.Join(path, "coordinates"), r);
            var ring = ReadRing(reader, ringsNode.Children[r], ringPath);
            ok &= ring is not null;
            if (ring is not null)
            {
                rings.Add(ring);
            }
        }

        if (!ok)
        {
            return null;
        }

        var polygon = Geometry.CreatePolygon(rings[0], rings.Skip(1).ToArray());
        var validity = new IsValidOp(polygon).ValidationError;
        if (validity is not null)
        {
            reader.Error(path, $"not a valid polygon: {validity.Message} at ({validity.Coordinate.X} {validity.Coordinate.Y})");
            return null;
        }

        if (polygon.Area <= 0)
        {
            reader.Error(path, "has no area");
            return null;
        }

        return polygon;
    }

    private static LinearRing? ReadRing(DocumentReader reader, YamlNode node, string path)
    {
        if (node is not YamlSequenceNode positions)
        {
            reader.Error(path, "must be a list of [longitude, latitude] positions");
            return null;
        }

        var coordinates = new List<Coordinate>();
        var ok = true;
        for (var p = 0; p < positions.Children.Count; p++)
        {
            var positionPath = DocumentReader.Index(path, p);
            if (positions.Children[p] is not YamlSequenceNode { Children.Count: 2 or 3 } pair)
            {
                reader.Error(positionPath, "must be [longitude, latitude]");
                ok = false;
                continue;
            }

            var lon = reader.Number(pair.Children[0], DocumentReader.Index(positionPath, 0));
            var lat = reader.Number(pair.Children[1], DocumentReader.Index(positionPath, 1));
            if (lon is < -180 or > 180)
            {
                reader.Error(DocumentReader.Index(positionPath, 0), "longitude out of range (-180..180)");
                ok = false;
            }

            if (lat is < -90 or > 90)
            {
                reader.Error(DocumentReader.Index(positionPath, 1), "latitude out of range (-90..90)");
                ok = false;
            }

            if (lon is null || lat is null)
            {
                ok = false;
                continue;
            }

            coordinates.Add(new Coordinate(lon.Value, lat.Value));
        }

        if (!ok)
        {
            return null;
        }

        if (coordinates.Count < 4)
        {
            reader.Error(path, $"a ring needs at least 4 positions (has {coordinates.Count})");
            return null;
        }

        if (!coordinates[0].Equals2D(coordinates[^1]))
        {
            reader.Error(path, "ring not closed (the last position must repeat the first)");
            return null;
        }

        return Geometry.CreateLinearRing(coordinates.ToArray());
    }

    /// <summary>Grids must not overlap (sharing an edge is fine): a point belongs to one grid.</summary>
    private static void CheckOverlaps(DocumentReader reader, List<KeyValuePair<string, GridInfo>> grids)
    {
        var index = new STRtree<int>();
        for (var i = 0; i < grids.Count; i++)
        {
            index.Insert(grids[i].Value.Polygon.EnvelopeInternal, i);
        }

        index.Build();
        for (var i = 0; i < grids.Count; i++)
        {
            var polygon = grids[i].Value.Polygon;
            foreach (var j in index.Query(polygon.EnvelopeInternal).Where(j => j < i).Order())
            {
                if (polygon.Relate(grids[j].Value.Polygon, "T********"))
                {
                    reader.Error(DocumentReader.Join(grids[i].Key, "polygon"), $"overlaps {grids[j].Key} ({grids[j].Value.Id})");
                }
            }
        }
    }

    private static List<BuildingInfo> ReadBuildings(DocumentReader reader, YamlMappingNode root, List<KeyValuePair<string, GridInfo>> grids) =>
        ReadList(reader, root, "buildings", required: false, (map, path, id) =>
        {
            reader.OnlyKeys(map, path, "id", "name", "grid", "location");
            var name = reader.String(map, "name", path, required: true);
            var gridId = reader.String(map, "grid", path, required: true);
            var grid = grids.FirstOrDefault(g => g.Value.Id == gridId).Value;
            if (gridId is not null && grid is null)
            {
                reader.Error(DocumentReader.Join(path, "grid"), $"unknown grid '{gridId}'");
            }

            var locationPath = DocumentReader.Join(path, "location");
            if (DocumentReader.Get(map, "location") is not YamlSequenceNode { Children.Count: 2 } location)
            {
                reader.Error(locationPath, "must be [longitude, latitude]");
                return null;
            }

            var lon = reader.Number(location.Children[0], DocumentReader.Index(locationPath, 0));
            var lat = reader.Number(location.Children[1], DocumentReader.Index(locationPath, 1));
            if (name is null || grid is null || lon is null || lat is null)
            {
                return null;
            }

            if (!grid.Prepared.Covers(Geometry.CreatePoint(new Coordinate(lon.Value, lat.Value))))
            {
                reader.Error(locationPath, $"not inside grid '{grid.Id}'");
                return null;
            }

            return new BuildingInfo(id, name, grid.Id, lon.Value, lat.Value);
        }).Select(b => b.Value).ToList();
}
