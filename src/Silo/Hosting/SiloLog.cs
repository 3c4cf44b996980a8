
namespace CityBrain.Silo.Hosting;

/// <summary>Every log message of the silo host.</summary>
internal static partial class SiloLog
{
    [LoggerMessage(1, LogLevel.Information, "CityBrain silo {Silo} ready: gRPC {GrpcUrl} (HTTP/2), HTTP {HttpUrl}; storage {Storage}")]
    public static partial void Ready(ILogger logger, string grpcUrl, string httpUrl, string storage, string silo);

    [LoggerMessage(2, LogLevel.Information, "CityBrain silo stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(3, LogLevel.Information, "Answering not ready for {Drain} before leaving the cluster (CityBrain:DrainBeforeStop)")]
    public static partial void Draining(ILogger logger, TimeSpan drain);

    [LoggerMessage(4, LogLevel.Warning, "Silo {Silo} refused {Refusals} connections in a row: its process is gone; declaring it dead")]
    public static partial void SiloGone(ILogger logger, string silo, int refusals);

    [LoggerMessage(5, LogLevel.Warning, "Looking for members whose process is gone failed; trying again every round (logged again once it has worked)")]
    public static partial void GoneCheckFailed(ILogger logger, Exception exception);
}
