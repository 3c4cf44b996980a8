using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.Internal;

/// <summary>Every log message of the city grains.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(1, LogLevel.Information, "City '{City}' loaded as version {Version}: {Grids} grids, {Departments} departments, {Categories} categories")]
    public static partial void CityLoaded(ILogger logger, string city, long version, int grids, int departments, int categories);

    [LoggerMessage(2, LogLevel.Information, "City definition version {Version} installed from storage")]
    public static partial void CityRefreshed(ILogger logger, long version);

    [LoggerMessage(3, LogLevel.Warning, "View projector {Shard} could not deliver notices (the views lag until it can); retrying in {Delay}")]
    public static partial void ProjectionFailed(ILogger logger, Exception exception, int shard, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "No city definition is stored and none is configured; events are refused until one is loaded")]
    public static partial void NoCity(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "Drill {Drill}: injecting event {Event} failed")]
    public static partial void DrillInjectFailed(ILogger logger, Exception exception, string drill, string @event);

    [LoggerMessage(7, LogLevel.Error, "An incident observer threw for {Incident}")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string incident);

    [LoggerMessage(8, LogLevel.Warning, "Checking the stored city version failed; retrying every {Delay}")]
    public static partial void CityWatchFailed(ILogger logger, Exception exception, TimeSpan delay);
}
