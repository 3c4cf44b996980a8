using System.Text.RegularExpressions;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Intake;

/// <summary>Checks an intake event field by field; every problem is named with its path
/// (e.g. <c>location.latitude: out of range</c>). Nothing is stored for an invalid event.</summary>
internal static partial class IntakeValidator
{
    public const int MaxDescription = 4000;

    /// <summary>At most this many attachments per event.</summary>
    public const int MaxAttachments = 10;

    /// <summary>Inline attachment bytes: at most this many per attachment...</summary>
    public const int MaxAttachmentBytes = 256 * 1024;

    /// <summary>...and this many per event (larger files go to an object store and are linked by uri).</summary>
    public const int MaxAttachmentBytesTotal = 1024 * 1024;

    /// <summary>Checks the event and the caller's right to submit it; throws on the first kind of problem found.</summary>
    public static void Validate(ReportRequest request, CityModel? city, DateTimeOffset now)
    {
        var e = request.Event ?? throw new ValidationException("event", "required");
        var errors = new List<FieldError>();
        Key(errors, "source", e.Source, 64);
        Key(errors, "source_event_id", e.SourceEventId, 128);
        var cancel = e.MessageType == MessageType.Cancel;
        if (!Enum.IsDefined(e.MessageType))
        {
            errors.Add(new FieldError("message_type", $"unknown value {(int)e.MessageType}"));
        }

        if (cancel)
        {
            Key(errors, "references_event_id", e.ReferencesEventId, 128);
        }
        else
        {
            ValidateAlert(errors, e, city, now);
        }

        if (e.Video is { } video)
        {
            Key(errors, "video.camera_id", video.CameraId, 128);
            Key(errors, "video.alarm_type", video.AlarmType, 64);
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        Authorize(request);
    }

    private static void ValidateAlert(List<FieldError> errors, IntakeEvent e, CityModel? city, DateTimeOffset now)
    {
        if (e.ReferencesEventId.Length > 0)
        {
            errors.Add(new FieldError("references_event_id", "only a cancel references another event"));
        }

        if (e.CategoryCode.Length == 0)
        {
            errors.Add(new FieldError("category_code", "required"));
        }
        else if (city is not null && !city.CategoriesByCode.ContainsKey(e.CategoryCode))
        {
            errors.Add(new FieldError("category_code", $"unknown category '{e.CategoryCode}'"));
        }

        if (!Enum.IsDefined(e.Severity))
        {
            errors.Add(new FieldError("severity", $"unknown value {(int)e.Severity}"));
        }

        if (e.Description.Length > MaxDescription)
        {
            errors.Add(new FieldError("description", $"longer than {MaxDescription} characters"));
        }

        if (e.OccurredAt is { } occurred)
        {
            if (occurred.Seconds < -62135596800 || occurred.Seconds > 253402300799 || occurred.Nanos is < 0 or > 999_999_999)
            {
                errors.Add(new FieldError("occurred_at", "not a valid time"));
            }
            else if (occurred.ToDateTimeOffset() > now.AddMinutes(5))
            {
                errors.Add(new FieldError("occurred_at", "in the future"));
            }
        }

        ValidateAttachments(errors, "attachments", e.Attachments);
        var location = e.Location;
        if (location is null)
        {
            errors.Add(new FieldError("location", "required"));
            return;
        }

        if (location.HasLatitude != location.HasLongitude)
        {
            errors.Add(new FieldError(location.HasLatitude ? "location.longitude" : "location.latitude", "required with the other coordinate"));
        }

        if (location.HasLatitude && (!double.IsFinite(location.Latitude) || location.Latitude is < -90 or > 90))
        {
            errors.Add(new FieldError("location.latitude", "out of range"));
        }

        if (location.HasLongitude && (!double.IsFinite(location.Longitude) || location.Longitude is < -180 or > 180))
        {
            errors.Add(new FieldError("location.longitude", "out of range"));
        }

        // An address alone is enough (a 12345 work order often has no coordinates): the incident has no grid then, like
        // a point outside every grid, and the dispatcher routes it.
        if (!location.HasLatitude && !location.HasLongitude && location.GridId.Length == 0 && location.Address.Length == 0)
        {
            errors.Add(new FieldError("location", "needs coordinates, a grid_id or an address"));
        }

        if (location.Address.Length > 500)
        {
            errors.Add(new FieldError("location.address", "longer than 500 characters"));
        }

        if (city is not null && location.GridId.Length > 0 && !city.GridsById.ContainsKey(location.GridId))
        {
            errors.Add(new FieldError("location.grid_id", $"unknown grid '{location.GridId}'"));
        }

        if (city is not null && location.BuildingId.Length > 0 && !city.BuildingsById.ContainsKey(location.BuildingId))
        {
            errors.Add(new FieldError("location.building_id", $"unknown building '{location.BuildingId}'"));
        }

        if (city is not null && location.GridId.Length == 0 && location.HasLatitude && location.HasLongitude
            && double.IsFinite(location.Latitude) && double.IsFinite(location.Longitude)
            && city.Streets.Count > 1 && city.FindGrid(location.Longitude, location.Latitude) is null)
        {
            errors.Add(new FieldError("location", "outside every grid of the city"));
        }
    }

    /// <summary>Checks attachments (an event's, a note's) against the limits above; problems are named under
    /// <paramref name="path"/> (<c>attachments[0].uri</c>).</summary>
    public static void ValidateAttachments(List<FieldError> errors, string path, IReadOnlyList<Attachment> attachments)
    {
        if (attachments.Count > MaxAttachments)
        {
            errors.Add(new FieldError(path, $"more than {MaxAttachments}"));
            return;
        }

        var total = 0;
        for (var i = 0; i < attachments.Count; i++)
        {
            var attachment = attachments[i];
            var at = $"{path}[{i}]";
            Text(errors, at + ".name", attachment.Name, 200, required: true);
            Text(errors, at + ".content_type", attachment.ContentType, 100, required: false);
            var hasUri = attachment.Uri.Length > 0;
            var hasData = attachment.Data.Length > 0;
            if (hasUri == hasData)
            {
                errors.Add(new FieldError(at, hasUri ? "has both a uri and data (one of them)" : "needs a uri or data"));
            }

            if (hasUri && (attachment.Uri.Length > 2048
                || !Uri.TryCreate(attachment.Uri, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                errors.Add(new FieldError(at + ".uri", "not an http(s) URL of at most 2048 characters"));
            }

            if (attachment.Data.Length > MaxAttachmentBytes)
            {
                errors.Add(new FieldError(at + ".data", $"larger than {MaxAttachmentBytes} bytes (link larger files by uri)"));
            }

            total += attachment.Data.Length;
        }

        if (total > MaxAttachmentBytesTotal)
        {
            errors.Add(new FieldError(path, $"more than {MaxAttachmentBytesTotal} bytes of data in all"));
        }
    }

    private static void Text(List<FieldError> errors, string path, string value, int max, bool required)
    {
        if (value.Length == 0)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "required"));
            }
        }
        else if (value.Length > max)
        {
            errors.Add(new FieldError(path, $"longer than {max} characters"));
        }
        else if (!TextPattern().IsMatch(value))
        {
            errors.Add(new FieldError(path, "contains control characters"));
        }
    }

    private static void Key(List<FieldError> errors, string path, string value, int max)
    {
        if (value.Length == 0)
        {
            errors.Add(new FieldError(path, "required"));
        }
        else if (value.Length > max)
        {
            errors.Add(new FieldError(path, $"longer than {max} characters"));
        }
        else if (!KeyPattern().IsMatch(value))
        {
            errors.Add(new FieldError(path, "contains control characters or '|'"));
        }
    }

    /// <summary>A feed submits for its own source only; departments and viewers do not submit.</summary>
    private static void Authorize(ReportRequest request)
    {
        var actor = request.Actor;
        Permissions.RequireActor(actor, "submit an event");
        switch (actor.Role)
        {
            case Role.Feed when actor.Source != request.Event.Source:
                throw Permissions.Denied(actor, "submit an event", $"a feed submits for its own source only ('{actor.Source}', not '{request.Event.Source}')");
            case Role.Feed or Role.Dispatcher or Role.Worker or Role.Admin or Role.System:
                return;
            default:
                throw Permissions.Denied(actor, "submit an event", $"the role {actor.Role} does not submit events");
        }
    }

    [GeneratedRegex(@"^[^\p{C}|]+$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[^\p{Cc}]+$")]
    private static partial Regex TextPattern();
}
