using CityBrain.Contracts;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>Intake events in the demo city.</summary>
public static class Events
{
    /// <summary>A point inside grid g001 of the demo city (south-west corner cell).</summary>
    public static Location InG001 => new() { Longitude = 120.1510, Latitude = 30.2609, Address = "湖滨路1号" };

    public static IntakeEvent Alert(string source, string id, string category = "11.01", Location? location = null, Severity severity = Severity.Unspecified) => new()
    {
        Source = source,
        SourceEventId = id,
        MessageType = MessageType.Alert,
        CategoryCode = category,
        Severity = severity,
        Location = location ?? InG001,
        Description = "test event " + id,
    };

    public static IntakeEvent Video(string id, string camera = "cam-7", string alarm = "crowd") => new()
    {
        Source = "video",
        SourceEventId = id,
        MessageType = MessageType.Alert,
        CategoryCode = "99.06",
        Location = InG001,
        Video = new VideoAlert { CameraId = camera, AlarmType = alarm },
    };

    public static IntakeEvent Cancel(string source, string id, string references, VideoAlert? video = null) => new()
    {
        Source = source,
        SourceEventId = id,
        MessageType = MessageType.Cancel,
        ReferencesEventId = references,
        Video = video,
    };
}
