using System.Globalization;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using AlertStatus = CityBrain.Grains.Intake.AlertStatus;

namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>
/// Maps a video-analytics box's alarm (the JSON webhook) onto the same intake path as CAP: source = the feed's own,
/// source event id = <c>alarm_id</c>, the camera and event type as the intake's <see cref="VideoAlert"/> (so bursts of
/// one camera and type merge on one incident), the event type's category through the city file's
/// <c>intake.alert_events</c>, the snapshot as an attachment; <c>cancels_alarm_id</c> makes it a cancel of that alarm.
/// </summary>
internal static class VideoAlarms
{
    private const int MaxDescription = 4000; // an intake event's description

    /// <summary>The alarm as an intake submission, or <see cref="ValidationException"/> naming the alarm's fields.</summary>
    public static AlertSubmission Map(VideoAlarm alarm, CityModel city, string source)
    {
        var errors = new List<FieldError>();
        Required(errors, "alarm_id", alarm.AlarmId);
        Required(errors, "camera_id", alarm.CameraId);
        var cancel = alarm.CancelsAlarmId.Length > 0;
        string? category = null;
        if (alarm.EventType.Length == 0)
        {
            errors.Add(new FieldError("event_type", "required"));
        }
        else if (!cancel && !city.AlertEvents.TryGetValue(alarm.EventType, out category))
        {
            errors.Add(new FieldError("event_type", $"unknown event type '{alarm.EventType}' (city file: intake.alert_events)"));
        }

        if (!double.IsFinite(alarm.Confidence) || alarm.Confidence is < 0 or > 1)
        {
            errors.Add(new FieldError("confidence", "not between 0 and 1"));
        }

        if (!Enum.IsDefined(alarm.Status))
        {
            errors.Add(new FieldError("status", $"unknown value {(int)alarm.Status}"));
        }

        if (!cancel && !alarm.HasLatitude && !alarm.HasLongitude && alarm.Address.Length == 0)
        {
            errors.Add(new FieldError("address", "required without latitude and longitude"));
        }

        if (alarm.SnapshotUrl.Length > 0 && (alarm.SnapshotUrl.Length > 2048 || !Uri.TryCreate(alarm.SnapshotUrl, UriKind.Absolute, out var snapshot)
            || (snapshot.Scheme != Uri.UriSchemeHttps && snapshot.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add(new FieldError("snapshot_url", "not an http(s) URL of at most 2048 characters"));
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var status = alarm.Status switch
        {
            Api.AlertStatus.Exercise => AlertStatus.Exercise,
            Api.AlertStatus.Test => AlertStatus.Test,
            _ => AlertStatus.Actual,
        };
        var video = new VideoAlert { CameraId = alarm.CameraId, AlarmType = alarm.EventType };
        if (cancel)
        {
            var retraction = new IntakeEvent
            {
                Source = source,
                SourceEventId = alarm.AlarmId,
                MessageType = MessageType.Cancel,
                ReferencesEventId = alarm.CancelsAlarmId,
                Video = video,
            };
            return new AlertSubmission(retraction, AlertKind.Cancel, status, [alarm.CancelsAlarmId]);
        }

        var location = new Location { Address = alarm.Address };
        if (alarm.HasLatitude)
        {
            location.Latitude = alarm.Latitude;
        }

        if (alarm.HasLongitude)
        {
            location.Longitude = alarm.Longitude;
        }

        var e = new IntakeEvent
        {
            Source = source,
            SourceEventId = alarm.AlarmId,
            MessageType = MessageType.Alert,
            CategoryCode = category!,
            Location = location,
            Description = Describe(alarm),
            OccurredAt = alarm.Time,
            Video = video,
        };
        if (alarm.SnapshotUrl.Length > 0)
        {
            e.Attachments.Add(new Attachment { Name = "snapshot", Uri = alarm.SnapshotUrl });
        }

        return new AlertSubmission(e, AlertKind.Alert, status, []);
    }

    /// <summary>The alarm's field an intake field came from (for the errors the intake names).</summary>
    public static string FieldOf(string path) => path switch
    {
        "source_event_id" => "alarm_id",
        "references_event_id" => "cancels_alarm_id",
        "category_code" or "video.alarm_type" => "event_type",
        "video.camera_id" => "camera_id",
        "occurred_at" => "time",
        "location.latitude" => "latitude",
        "location.longitude" => "longitude",
        "location.address" => "address",
        "location" => "latitude, longitude",
        "attachments" => "snapshot_url",
        _ when path.StartsWith("attachments[", StringComparison.Ordinal) => "snapshot_url",
        _ => path,
    };

    private static void Required(List<FieldError> errors, string field, string value)
    {
        if (value.Length == 0)
        {
            errors.Add(new FieldError(field, "required"));
        }
    }

    /// <summary>The description given (else the event type), with the camera and the confidence; cut at the intake's limit.</summary>
    private static string Describe(VideoAlarm alarm)
    {
        var text = (alarm.Description.Length > 0 ? alarm.Description : alarm.EventType)
            + $"\ncamera {alarm.CameraId}"
            + (alarm.Confidence > 0 ? ", confidence " + alarm.Confidence.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty);
        return text.Length <= MaxDescription ? text : text[..(MaxDescription - 1)] + "…";
    }
}
