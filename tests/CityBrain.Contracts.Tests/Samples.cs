using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Contracts.Tests;

/// <summary>Real citybrain.v1 messages with every kind of member filled: nested messages, repeated fields, maps,
/// oneofs, optional scalars, bytes and timestamps. Each call builds new instances.</summary>
public static class Samples
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero);

    public static Timestamp Time(int minutes) => Timestamp.FromDateTimeOffset(At.AddMinutes(minutes));

    public static Incident Incident() => new()
    {
        Id = "inc-0123456789abcdefghjk",
        Source = "12345",
        SourceEventId = "evt-1",
        Status = IncidentStatus.Assigned,
        CategoryCode = "road.pothole",
        Severity = Severity.High,
        Location = new Location { Latitude = 31.2304, Longitude = 121.4737, Address = "人民大道 200 号", GridId = "g-12" },
        OccurredAt = Time(0),
        ReportedAt = Time(1),
        Assignments =
        {
            new Assignment { DepartmentId = "roads", UnitId = "crew-3", Status = AssignmentStatus.OnSite, DispatchedAt = Time(5), ArrivedAt = Time(25) },
            new Assignment { DepartmentId = "police", Status = AssignmentStatus.Dispatched, DispatchedAt = Time(6), Linkage = true },
        },
        Clocks =
        {
            new SlaClock { Kind = SlaClockKind.OnSite, DepartmentId = "roads", State = SlaClockState.Running, StartedAt = Time(5), TargetMs = 1_800_000, WarnedPermille = { 800 } },
        },
        Policy = new SlaPolicy { AcceptMs = 600_000, OnSiteMs = 1_800_000, WarningPermille = { 800, 950 }, EscalationLevels = 3 },
        Duplicates = { "inc-a", "inc-b" },
        AlertEventIds = { "evt-1" },
        Video = new VideoAlert { CameraId = "cam-7", AlarmType = "parking" },
        Reporter = new Reporter { ReporterId = "r-1", Name = "张三", Phone = "13800000000" },
        SuggestedDepartments = { "roads", "police" },
        Version = 42,
        UpdatedAt = Time(25),
        Attachments = { new Attachment { Name = "photo-1.jpg", ContentType = "image/jpeg", Data = ByteString.CopyFrom(Encoding.UTF8.GetBytes("not really a jpeg")) } },
    };

    /// <summary>An event whose oneof <c>kind</c> holds <c>assigned</c>.</summary>
    public static IncidentEvent AssignedEvent() => new()
    {
        At = Time(5),
        Actor = new Actor { UserId = "dispatcher-1", Role = Role.Dispatcher, Jurisdiction = { "street-1", "street-2" } },
        Reason = "linkage",
        Assigned = new Assigned { Targets = { new AssignmentTarget { DepartmentId = "roads", UnitId = "crew-3" }, new AssignmentTarget { DepartmentId = "police" } }, Linkage = true },
    };

    /// <summary>An event whose oneof <c>kind</c> holds <c>reported</c>, itself holding a whole incident.</summary>
    public static IncidentEvent ReportedEvent() => new()
    {
        At = Time(1),
        Actor = new Actor { UserId = "feed", Role = Role.Feed, Source = "12345" },
        Reported = new Reported { Seed = Incident() },
    };

    /// <summary>A department's state: a map from incident id to message.</summary>
    public static DepartmentState DepartmentState() => new()
    {
        Open =
        {
            ["inc-a"] = new AssignmentNotice { IncidentId = "inc-a", Open = true, DispatchedAt = Time(5), OnSiteDueAt = Time(35), CategoryCode = "road.pothole" },
            ["inc-b"] = new AssignmentNotice { IncidentId = "inc-b", Open = true, DispatchedAt = Time(9), Exercise = true },
        },
    };
}
