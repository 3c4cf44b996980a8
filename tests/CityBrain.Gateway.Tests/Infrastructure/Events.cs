using CityBrain.Contracts;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>Intake events with ids of their own, so tests sharing a server never meet.</summary>
internal static class Events
{
    /// <summary>A sanitation event (category 11.01) in the grid.</summary>
    public static IntakeEvent Alert(GatewayServer server, string source, string grid = "g001", string category = "11.01")
    {
        var (longitude, latitude) = server.PointIn(grid);
        return new IntakeEvent
        {
            Source = source,
            SourceEventId = "e-" + Guid.NewGuid().ToString("N")[..12],
            MessageType = MessageType.Alert,
            CategoryCode = category,
            Location = new Location { Longitude = longitude, Latitude = latitude, Address = "湖滨路 1 号" },
            Description = "garbage piled up on the pavement",
        };
    }

    /// <summary>A unique source name for one test.</summary>
    public static string Source(string test) => $"{test}-{Guid.NewGuid().ToString("N")[..8]}";
}
