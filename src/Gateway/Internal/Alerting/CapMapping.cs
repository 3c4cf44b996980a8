using System.Security.Cryptography;
using System.Text;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>
/// Maps a checked CAP alert onto the intake (src/Gateway/README.md, "Video alerts (CAP 1.2)", has the table): source =
/// the feed's own; source event id = <c>sender,identifier</c> (hashed when longer than 128 characters), so a retry
/// answers the same incident; status and msgType as <see cref="AlertStatus"/> and <see cref="AlertKind"/>; of the first
/// <c>info</c>: the category through the city file's <c>intake.alert_events</c> (the event, else a category value), the
/// severity, the location (the centroid of the first polygon, else the centre of the first circle, of the first area
/// that has one; the area's description as the address), the description (headline, description, instruction,
/// parameters, urgency / severity / certainty), the resources with http(s) links as attachments; <c>sent</c> as the time.
/// </summary>
internal static class CapMapping
{
    private const int MaxDescription = 4000; // an intake event's description
    private const int MaxAddress = 500;
    private const int MaxAttachments = 10;
    private const int MaxKey = 128;

    /// <summary>Whether the message goes to the intake: status System or Draft and msgType Ack or Error are only
    /// acknowledged (they carry no alert of the city's).</summary>
    public static bool GoesToIntake(CapAlert alert) =>
        alert.Status is "Actual" or "Exercise" or "Test" && alert.MsgType is "Alert" or "Update" or "Cancel";

    /// <summary>The source event id of a CAP message: <c>sender,identifier</c> (a comma never occurs in either), or,
    /// when that is longer than an event id may be, <c>cap-sha256:</c> and 40 hex digits of its hash.</summary>
    public static string EventId(string sender, string identifier)
    {
        var id = sender + "," + identifier;
        return id.Length <= MaxKey && !id.Contains('|', StringComparison.Ordinal)
            ? id
            : "cap-sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..40];
    }

    /// <summary>The alert as an intake submission, or <see cref="ValidationException"/> naming the CAP elements.</summary>
    public static CapSubmission Map(CapAlert alert, CityModel city, string source)
    {
        var status = alert.Status switch
        {
            "Exercise" => AlertStatus.Exercise,
            "Test" => AlertStatus.Test,
            _ => AlertStatus.Actual,
        };
        var kind = alert.MsgType switch
        {
            "Update" => AlertKind.Update,
            "Cancel" => AlertKind.Cancel,
            _ => AlertKind.Alert,
        };
        var eventId = EventId(alert.Sender, alert.Identifier);
        var references = alert.References.Select(r => EventId(r.Sender, r.Identifier)).ToList();
        if (kind == AlertKind.Cancel)
        {
            var cancel = new IntakeEvent { Source = source, SourceEventId = eventId, MessageType = MessageType.Cancel, ReferencesEventId = references[0] };
            return new CapSubmission(new AlertSubmission(cancel, kind, status, references), path => Common(path) ?? path);
        }

        if (alert.Infos.Count == 0)
        {
            throw new ValidationException("info[0]", $"required for an {alert.MsgType}: the center makes the incident of the first <info>");
        }

        var info = alert.Infos[0];
        var errors = new List<FieldError>();
        var category = city.AlertEvents.GetValueOrDefault(info.Event)
            ?? info.Categories.Select(c => city.AlertEvents.GetValueOrDefault(c)).FirstOrDefault(code => code is not null);
        if (category is null)
        {
            errors.Add(new FieldError("info[0].event", $"no category of the city for the event '{info.Event}' nor for the categories {string.Join(", ", info.Categories)} (city file: intake.alert_events)"));
        }

        var (location, locationElement) = Locate(info);
        if (location is null)
        {
            errors.Add(new FieldError("info[0].area[0]", "required: the center locates an alert by its <area> (a <polygon>, a <circle>, or at least an <areaDesc>)"));
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var e = new IntakeEvent
        {
            Source = source,
            SourceEventId = eventId,
            MessageType = MessageType.Alert,
            CategoryCode = category!,
            Severity = info.Severity switch
            {
                "Extreme" => Severity.Critical,
                "Severe" => Severity.High,
                "Moderate" => Severity.Normal,
                "Minor" => Severity.Low,
                _ => Severity.Unspecified,
            },
            Location = location,
            Description = Describe(alert, info),
            OccurredAt = Timestamp.FromDateTimeOffset(alert.Sent),
        };
        var resources = new List<int>();
        for (var i = 0; i < info.Resources.Count && e.Attachments.Count < MaxAttachments; i++)
        {
            var resource = info.Resources[i];
            if (resource.Uri is { } uri && Uri.TryCreate(uri, UriKind.Absolute, out var link) && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp))
            {
                e.Attachments.Add(new Attachment { Name = Clean(resource.Description, 200), ContentType = Clean(resource.MimeType, 100), Uri = uri });
                resources.Add(i);
            }
        }

        return new CapSubmission(new AlertSubmission(e, kind, status, references), path => Common(path) ?? path switch
        {
            "category_code" => "info[0].event",
            "severity" => "info[0].severity",
            "description" => "info[0].description",
            "attachments" => "info[0].resource",
            _ when path.StartsWith("location", StringComparison.Ordinal) => locationElement,
            _ when path.StartsWith("attachments[", StringComparison.Ordinal) && int.TryParse(path.AsSpan(12, path.IndexOf(']', StringComparison.Ordinal) - 12), out var index) && index < resources.Count
                => $"info[0].resource[{resources[index]}]",
            _ => path,
        });
    }

    /// <summary>The elements every message maps the same way.</summary>
    private static string? Common(string path) => path switch
    {
        "source_event_id" => "identifier",
        "references_event_id" => "references",
        "occurred_at" => "sent",
        "message_type" => "msgType",
        _ => null,
    };

    /// <summary>The location of the first area with a polygon or circle (its centroid or centre; the area's description
    /// as the address), else the first area's description alone (no grid: the dispatcher routes it).</summary>
    private static (Location? Location, string Element) Locate(CapInfo info)
    {
        for (var a = 0; a < info.Areas.Count; a++)
        {
            var area = info.Areas[a];
            var (point, element) = area.Polygons.Count > 0
                ? (Centroid(area.Polygons[0]), $"info[0].area[{a}].polygon[0]")
                : area.Circles.Count > 0 ? (area.Circles[0].Centre, $"info[0].area[{a}].circle[0]") : ((CapPoint?)null, string.Empty);
            if (point is { } at)
            {
                return (new Location { Latitude = at.Latitude, Longitude = at.Longitude, Address = Clean(area.Description, MaxAddress) }, element);
            }
        }

        return info.Areas.FirstOrDefault(a => a.Description.Length > 0) is { } described
            ? (new Location { Address = Clean(described.Description, MaxAddress) }, $"info[0].area[{info.Areas.ToList().IndexOf(described)}].areaDesc")
            : (null, "info[0].area[0]");
    }

    /// <summary>The centroid of a closed ring (area-weighted, in the plane of longitude and latitude, relative to its first
    /// point for precision); a ring without area: the mean of its points.</summary>
    internal static CapPoint Centroid(IReadOnlyList<CapPoint> ring)
    {
        var origin = ring[0];
        double twiceArea = 0, x = 0, y = 0;
        for (var i = 0; i < ring.Count - 1; i++)
        {
            var (x0, y0) = (ring[i].Longitude - origin.Longitude, ring[i].Latitude - origin.Latitude);
            var (x1, y1) = (ring[i + 1].Longitude - origin.Longitude, ring[i + 1].Latitude - origin.Latitude);
            var cross = (x0 * y1) - (x1 * y0);
            twiceArea += cross;
            x += (x0 + x1) * cross;
            y += (y0 + y1) * cross;
        }

        if (Math.Abs(twiceArea) < 1e-15)
        {
            var points = ring.Take(ring.Count - 1).ToList();
            return new CapPoint(points.Average(p => p.Latitude), points.Average(p => p.Longitude));
        }

        return new CapPoint(origin.Latitude + (y / (3 * twiceArea)), origin.Longitude + (x / (3 * twiceArea)));
    }

    /// <summary>The incident's description: headline (else the event), description, instruction, the parameters, and
    /// the CAP qualifiers the incident has no field for; cut at the intake's limit.</summary>
    private static string Describe(CapAlert alert, CapInfo info)
    {
        var text = new StringBuilder(info.Headline ?? info.Event);
        foreach (var part in new[] { info.Description, info.Instruction })
        {
            if (part is not null)
            {
                text.Append('\n').Append(part);
            }
        }

        foreach (var (name, value) in info.Parameters)
        {
            text.Append('\n').Append(name).Append(": ").Append(value);
        }

        text.Append("\nCAP ").Append(alert.Sender).Append(' ').Append(alert.Identifier)
            .Append(": urgency ").Append(info.Urgency).Append(", severity ").Append(info.Severity).Append(", certainty ").Append(info.Certainty);
        return text.Length <= MaxDescription ? text.ToString() : text.ToString(0, MaxDescription - 1) + "…";
    }

    /// <summary>A single line of at most <paramref name="max"/> characters (control characters become spaces).</summary>
    private static string Clean(string value, int max)
    {
        var line = new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return line.Length <= max ? line : line[..max];
    }
}
