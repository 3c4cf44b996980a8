using System.Security.Cryptography;
using System.Text;
using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Grains.City;

/// <summary>
/// Reads and validates a city file (YAML or JSON; grids as GeoJSON polygons; format in src/Grains/README.md).
/// Every problem is reported with its path, e.g. <c>grids[12].polygon: ring not closed</c>, in one
/// <see cref="ValidationException"/>; nothing is half-loaded.
/// </summary>
public static partial class CityFile
{
    /// <summary>Parses and validates a city definition.</summary>
    /// <exception cref="ValidationException">The text is not a valid city; every error is listed.</exception>
    public static CityModel Parse(string text)
    {
        var reader = new DocumentReader();
        var root = reader.Load(text);
        CityModel? model = null;
        if (root is not null)
        {
            model = Read(reader, root);
        }

        if (reader.Errors.Count > 0 || model is null)
        {
            throw new ValidationException(reader.Errors.Count > 0 ? reader.Errors : [new FieldError("(document)", "not a city")]);
        }

        return model;
    }

    /// <summary>The SHA-256 of a definition's text, lower-case hex.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static CityModel? Read(DocumentReader reader, YamlMappingNode root)
    {
        reader.OnlyKeys(root, string.Empty, "version", "city", "streets", "communities", "grids", "buildings", "departments", "categories", "sla", "escalation", "intake");
        var version = reader.String(root, "version", string.Empty, required: true);
        if (version is not null && version != "1")
        {
            reader.Error("version", $"'{version}' is not supported (this build reads version 1)");
        }

        var (cityId, cityName, utcOffset) = ReadCity(reader, root);
        var streets = ReadStreets(reader, root);
        var communities = ReadCommunities(reader, root, streets);
        var grids = ReadGrids(reader, root, communities);
        CheckOverlaps(reader, grids);
        var buildings = ReadBuildings(reader, root, grids);
        var departments = ReadDepartments(reader, root);
        var sla = ReadSla(reader, root);
        var categories = ReadCategories(reader, root, departments);
        var escalation = ReadEscalation(reader, root);
        var mergeWindow = TimeSpan.FromMinutes(10);
        var hotline = new Dictionary<string, string>(StringComparer.Ordinal);
        var alertEvents = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Map(root, "intake", string.Empty, required: false) is { } intake)
        {
            reader.OnlyKeys(intake, "intake", "video_merge_window", "hotline_categories", "alert_events");
            mergeWindow = reader.Duration(intake, "video_merge_window", "intake") ?? mergeWindow;
            ReadCodeMap(reader, intake, "hotline_categories", "a hotline category code", categories, hotline);
            ReadCodeMap(reader, intake, "alert_events", "an alert's event name", categories, alertEvents);
        }

        if (reader.Errors.Count > 0)
        {
            return null;
        }

        return new CityModel(
            cityId!,
            cityName!,
            utcOffset,
            streets.Select(s => s.Value).ToList(),
            communities.Select(c => c.Value).ToList(),
            grids.Select(g => g.Value!).ToList(),
            buildings,
            departments.Select(d => d.Value).ToList(),
            categories,
            sla,
            escalation,
            mergeWindow)
        {
            HotlineCategories = hotline,
            AlertEvents = alertEvents,
        };
    }

    /// <summary>A map of <c>intake</c> from outside codes to catalog codes: <c>hotline_categories</c> (the 12345
    /// hotline's category codes), <c>alert_events</c> (alerting systems' event names).</summary>
    private static void ReadCodeMap(DocumentReader reader, YamlMappingNode intake, string key, string what, List<CategoryInfo> categories, Dictionary<string, string> target)
    {
        if (reader.Map(intake, key, "intake", required: false) is not { } map)
        {
            return;
        }

        var codes = categories.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var (outside, value) in map.Children)
        {
            var path = DocumentReader.Join("intake." + key, (outside as YamlScalarNode)?.Value ?? "?");
            if (outside is not YamlScalarNode { Value: { Length: > 0 } outsideCode } || reader.Scalar(value, path) is not { } code)
            {
                reader.Error(path, $"must map {what} to a catalog code");
            }
            else if (!codes.Contains(code))
            {
                reader.Error(path, $"unknown category '{code}'");
            }
            else
            {
                target[outsideCode] = code;
            }
        }
    }

    private static (string? Id, string? Name, TimeSpan Offset) ReadCity(DocumentReader reader, YamlMappingNode root)
    {
        var city = reader.Map(root, "city", string.Empty, required: true);
        if (city is null)
        {
            return (null, null, TimeSpan.Zero);
        }

        reader.OnlyKeys(city, "city", "id", "name", "utc_offset");
        var id = reader.Id(city, "id", "city");
        var name = reader.String(city, "name", "city", required: true);
        var offset = TimeSpan.FromHours(8);
        var offsetText = reader.String(city, "utc_offset", "city", required: false);
        if (offsetText is not null)
        {
            var sign = offsetText.StartsWith('-') ? -1 : 1;
            if (TimeSpan.TryParseExact(offsetText.TrimStart('+', '-'), @"hh\:mm", System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed <= TimeSpan.FromHours(14))
            {
                offset = sign * parsed;
            }
            else
            {
                reader.Error("city.utc_offset", $"'{offsetText}' is not an offset like +08:00");
            }
        }

        return (id, name, offset);
    }

    private static Person? ReadPerson(DocumentReader reader, YamlMappingNode parent, string key, string path, HashSet<string>? people)
    {
        var map = reader.Map(parent, key, path, required: false);
        return map is null ? null : ReadPerson(reader, map, DocumentReader.Join(path, key), people);
    }

    private static Person? ReadPerson(DocumentReader reader, YamlMappingNode map, string path, HashSet<string>? people)
    {
        reader.OnlyKeys(map, path, "id", "name", "phone");
        var id = reader.Id(map, "id", path);
        var name = reader.String(map, "name", path, required: true);
        var phone = reader.String(map, "phone", path, required: false) ?? string.Empty;
        if (id is not null && people is not null && !people.Add(id))
        {
            reader.Error(DocumentReader.Join(path, "id"), $"duplicate person id '{id}'");
        }

        return id is null || name is null ? null : new Person(id, name, phone);
    }

    /// <summary>Reads a list of objects, each with a unique id; returns them by id, in file order.</summary>
    private static List<KeyValuePair<string, T>> ReadList<T>(
        DocumentReader reader, YamlMappingNode root, string key, bool required, Func<YamlMappingNode, string, string, T?> readItem)
        where T : class
    {
        var items = new List<KeyValuePair<string, T>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sequence = reader.Sequence(root, key, string.Empty, required);
        if (sequence is null)
        {
            return items;
        }

        if (required && sequence.Children.Count == 0)
        {
            reader.Error(key, "must not be empty");
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = DocumentReader.Index(key, i);
            if (reader.Map(sequence.Children[i], path) is not { } map)
            {
                continue;
            }

            var id = key == "categories" ? reader.String(map, "code", path, required: true) : reader.Id(map, "id", path);
            if (id is null)
            {
                continue;
            }

            if (!seen.Add(id))
            {
                reader.Error(DocumentReader.Join(path, key == "categories" ? "code" : "id"), $"duplicate id '{id}'");
                continue;
            }

            if (readItem(map, path, id) is { } item)
            {
                items.Add(new KeyValuePair<string, T>(id, item));
            }
        }

        return items;
    }

    private static List<KeyValuePair<string, StreetInfo>> ReadStreets(DocumentReader reader, YamlMappingNode root) =>
        ReadList(reader, root, "streets", required: true, (map, path, id) =>
        {
            reader.OnlyKeys(map, path, "id", "name", "head");
            var name = reader.String(map, "name", path, required: true);
            var head = ReadPerson(reader, map, "head", path, null);
            return name is null ? null : new StreetInfo(id, name, head);
        });

    private static List<KeyValuePair<string, CommunityInfo>> ReadCommunities(DocumentReader reader, YamlMappingNode root, List<KeyValuePair<string, StreetInfo>> streets) =>
        ReadList(reader, root, "communities", required: true, (map, path, id) =>
        {
            reader.OnlyKeys(map, path, "id", "name", "street", "head");
            var name = reader.String(map, "name", path, required: true);
            var street = reader.String(map, "street", path, required: true);
            if (street is not null && !streets.Any(s => s.Key == street))
            {
                reader.Error(DocumentReader.Join(path, "street"), $"unknown street '{street}'");
                street = null;
            }

            var head = ReadPerson(reader, map, "head", path, null);
            return name is null || street is null ? null : new CommunityInfo(id, name, street, head);
        });

    private static List<EscalationLevel> ReadEscalation(DocumentReader reader, YamlMappingNode root)
    {
        var levels = new List<EscalationLevel>();
        var sequence = reader.Sequence(root, "escalation", string.Empty, required: false);
        if (sequence is null)
        {
            return [EscalationLevel.Grid, EscalationLevel.Community, EscalationLevel.Street];
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = DocumentReader.Index("escalation", i);
            var text = reader.Scalar(sequence.Children[i], path);
            EscalationLevel? level = text switch
            {
                "grid" or "网格" => EscalationLevel.Grid,
                "community" or "社区" => EscalationLevel.Community,
                "street" or "街道" => EscalationLevel.Street,
                null => null,
                _ => Invalid(reader, path, $"'{text}' is not one of: grid, community, street"),
            };
            if (level is { } l)
            {
                if (levels.Count > 0 && l <= levels[^1])
                {
                    reader.Error(path, "levels must go up the hierarchy (grid, community, street), each once");
                }

                levels.Add(l);
            }
        }

        if (levels.Count == 0)
        {
            reader.Error("escalation", "must name at least one level");
        }
        else if (levels[0] != EscalationLevel.Grid)
        {
            reader.Error("escalation[0]", "the chain starts at grid");
        }

        return levels;
    }

    private static EscalationLevel? Invalid(DocumentReader reader, string path, string message)
    {
        reader.Error(path, message);
        return null;
    }
}
