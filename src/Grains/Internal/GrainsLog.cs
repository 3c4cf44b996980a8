using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.Internal;

/// <summary>Every log message of the city grains.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(1, LogLevel.Information, "City '{City}' loaded as version {Version}: {Grids} grids, {Departments} departments, {Categories} categories")]
    public static partial void CityLoaded(ILogger logger, string city, long version, int grids, int departments, int categories);

    [LoggerMessage(2, LogLevel.Information, "City definition version {Version} installed from storage")]
    public static partial void CityRefreshed(ILogger logger, long version);

    [LoggerMessage(3, LogLevel.Warning, "Incident {Incident}: notifying {Target} failed; the incident's journal holds the truth and the view will lag")]
    public static partial void NotificationFailed(ILogger logger, Exception exception, string incident, string target);

    [LoggerMessage(5, LogLevel.Warning, "No city definition is stored and none is configured; events are refused until one is loaded")]
    public static partial void NoCity(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "Drill {Drill}: injecting event {Event} failed")]
    public static partial void DrillInjectFailed(ILogger logger, Exception exception, string drill, string @event);

    [LoggerMessage(7, LogLevel.Error, "An incident observer threw for {Incident}")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string incident);

    [LoggerMessage(8, LogLevel.Warning, "Watching the city feed failed; retrying in {Delay}")]
    public static partial void CityWatchFailed(ILogger logger, Exception exception, TimeSpan delay);
}
