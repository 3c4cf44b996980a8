using Microsoft.Extensions.Logging;

namespace CityBrain.Actors.Cluster;

/// <summary>Log messages of cluster membership and silo-to-silo calls.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(101, LogLevel.Information, "Joined the cluster as {SiloId} (view {Version})")]
    public static partial void Joined(ILogger logger, string siloId, long version);

    [LoggerMessage(102, LogLevel.Information, "Cluster view {Version}: {Active} active silos [{Silos}]")]
    public static partial void ViewChanged(ILogger logger, long version, int active, string silos);

    [LoggerMessage(103, LogLevel.Warning, "Declared silo {SiloId} dead: its lease lapsed (last heartbeat {HeartbeatAt:O}, database time {Now:O})")]
    public static partial void DeclaredDead(ILogger logger, string siloId, DateTimeOffset heartbeatAt, DateTimeOffset now);

    [LoggerMessage(104, LogLevel.Warning, "Could not renew the membership lease: {Error}")]
    public static partial void HeartbeatFailed(ILogger logger, string error);

    [LoggerMessage(105, LogLevel.Error, "Lease not renewed for {Elapsed}: this silo fences itself and stops serving grains until it renews")]
    public static partial void Fenced(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(106, LogLevel.Information, "Lease renewed again; serving grains")]
    public static partial void Unfenced(ILogger logger);

    [LoggerMessage(107, LogLevel.Critical, "This silo ({SiloId}) was declared dead by the cluster; exiting so that it cannot act on grains it no longer owns")]
    public static partial void DeclaredDeadSelf(ILogger logger, string siloId);

    [LoggerMessage(108, LogLevel.Warning, "Membership notifications lost ({Error}); reconnecting")]
    public static partial void ListenFailed(ILogger logger, string error);

    [LoggerMessage(109, LogLevel.Information, "Leaving the cluster: status {Status}")]
    public static partial void Leaving(ILogger logger, SiloStatus status);

    [LoggerMessage(110, LogLevel.Debug, "Forwarding {Grain} to {Silo} failed (attempt {Attempt}): {Error}")]
    public static partial void ForwardFailed(ILogger logger, GrainId grain, string silo, int attempt, string error);

    [LoggerMessage(112, LogLevel.Warning, "Reading the cluster view failed: {Error}")]
    public static partial void MonitorFailed(ILogger logger, string error);

    [LoggerMessage(111, LogLevel.Information, "Rebalanced after view {Version}: {Deactivated} activations moved away, {TimersForgotten} timers handed over, {TimersLoaded} timers taken over")]
    public static partial void Rebalanced(ILogger logger, long version, int deactivated, int timersForgotten, int timersLoaded);
}
