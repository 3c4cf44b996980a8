using CityBrain.Contracts;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>Intake events in the demo city for the telemetry tests.</summary>
internal static class TelemetryEvents
{
    public static IntakeEvent Alert(string id) => new()
    {
        Source = "12345",
        SourceEventId = id,
        MessageType = MessageType.Alert,
        CategoryCode = "11.01",
        Location = new Location { Longitude = 120.1510, Latitude = 30.2609, Address = "湖滨路1号" },
        Description = "telemetry test " + id,
    };
}
