using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Grains.Drills;

/// <summary>
/// A drill scenario 应急联动演练脚本 (format in deploy/drills/README.md): an id, a name and timed emergency events.
/// Parsing reports every error with its path (e.g. <c>events[2].at: '5x' is not a duration</c>).
/// </summary>
public sealed record DrillScenario(string Id, string Name, IReadOnlyList<DrillScenarioEvent> Events)
{
    /// <summary>The source of a drill's events (never a real feed's source, so ids never collide).</summary>
    public static string SourceOf(string drillId) => "drill:" + drillId;

    /// <summary>Parses and checks a scenario.</summary>
    /// <exception cref="ValidationException">Every problem, with its path.</exception>
    public static DrillScenario Parse(string text)
    {
        var reader = new DocumentReader();
        var root = reader.Load(text);
        DrillScenario? scenario = null;
        if (root is not null)
        {
            scenario = Read(reader, root);
        }

        if (reader.Errors.Count > 0 || scenario is null)
        {
            throw new ValidationException(reader.Errors.Count > 0 ? reader.Errors : [new FieldError("(document)", "not a drill scenario")]);
        }

        return scenario;
    }

    private static DrillScenario? Read(DocumentReader reader, YamlMappingNode root)
    {
        reader.OnlyKeys(root, string.Empty, "version", "drill", "events");
        if (reader.String(root, "version", string.Empty, required: true) is { } version && version != "1")
        {
            reader.Error("version", $"'{version}' is not supported (this build reads version 1)");
        }

        string? id = null, name = null;
        if (reader.Map(root, "drill", string.Empty, required: true) is { } drill)
        {
            reader.OnlyKeys(drill, "drill", "id", "name");
            id = reader.Id(drill, "id", "drill");
            name = reader.String(drill, "name", "drill", required: true);
        }

        var events = new List<DrillScenarioEvent>();
        var sequence = reader.Sequence(root, "events", string.Empty, required: true);
        if (sequence is { Children.Count: 0 })
        {
            reader.Error("events", "must not be empty");
        }

        for (var i = 0; sequence is not null && i < sequence.Children.Count; i++)
        {
            var path = DocumentReader.Index("events", i);
            if (reader.Map(sequence.Children[i], path) is not { } map)
            {
                continue;
            }

            reader.OnlyKeys(map, path, "id", "at", "category", "severity", "location", "description");
            var eventId = reader.Id(map, "id", path);
            if (eventId is not null && events.Any(e => e.Id == eventId))
            {
                reader.Error(DocumentReader.Join(path, "id"), $"duplicate id '{eventId}'");
            }

            var offset = reader.Duration(map, "at", path);
            if (offset is null && DocumentReader.Get(map, "at") is null)
            {
                reader.Error(DocumentReader.Join(path, "at"), "required");
            }

            var category = reader.String(map, "category", path, required: true);
            var severity = reader.Choice(map, "severity", path, required: false, CityFile.Severities) ?? Severity.Unspecified;
            var location = ReadLocation(reader, map, DocumentReader.Join(path, "location"));
            var description = reader.String(map, "description", path, required: false) ?? string.Empty;
            if (eventId is null || offset is null || category is null || location is null)
            {
                continue;
            }

            events.Add(new DrillScenarioEvent(eventId, offset.Value, new IntakeEvent
            {
                Source = SourceOf(id ?? "drill"),
                SourceEventId = eventId,
                MessageType = MessageType.Alert,
                CategoryCode = category,
                Severity = severity,
                Location = location,
                Description = description,
            }));
        }

        return reader.Errors.Count > 0 ? null : new DrillScenario(id!, name!, events.OrderBy(e => e.Offset).ToList());
    }

    private static Location? ReadLocation(DocumentReader reader, YamlMappingNode parent, string path)
    {
        var map = reader.Map(DocumentReader.Get(parent, "location"), path);
        if (map is null)
        {
            return null;
        }

        reader.OnlyKeys(map, path, "longitude", "latitude", "grid", "address");
        var location = new Location
        {
            Address = reader.String(map, "address", path, required: false) ?? string.Empty,
            GridId = reader.String(map, "grid", path, required: false) ?? string.Empty,
        };
        if (DocumentReader.Get(map, "longitude") is { } lon && reader.Number(lon, DocumentReader.Join(path, "longitude")) is { } longitude)
        {
            location.Longitude = longitude;
        }

        if (DocumentReader.Get(map, "latitude") is { } lat && reader.Number(lat, DocumentReader.Join(path, "latitude")) is { } latitude)
        {
            location.Latitude = latitude;
        }

        return location;
    }
}
