using Microsoft.Extensions.Logging;

namespace CityBrain.Actors.Hosting;

/// <summary>Every log message of the actor runtime.</summary>
internal static partial class ActorsLog
{
    [LoggerMessage(1, LogLevel.Error, "A continuation of {Grain} threw")]
    public static partial void ContinuationFailed(ILogger logger, Exception exception, GrainId grain);

    [LoggerMessage(2, LogLevel.Warning, "Activation of {Grain} failed; its queued calls fail with the same error")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grain);

    [LoggerMessage(3, LogLevel.Warning, "OnDeactivateAsync of {Grain} ({Reason}) threw; deactivating anyway")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grain, DeactivationReason reason);

    [LoggerMessage(4, LogLevel.Information, "Applied migration {Component} {Version} ({Description}) on {Database}")]
    public static partial void MigrationApplied(ILogger logger, string component, int version, string description, string database);

    [LoggerMessage(5, LogLevel.Warning, "Write batch of {Count} hit a lock conflict (attempt {Attempt}); retrying")]
    public static partial void BatchRetried(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(6, LogLevel.Warning, "Delivering timer {Name} to {Grain} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void TimerDeliveryFailed(ILogger logger, Exception exception, GrainId grain, string name, int attempt, TimeSpan delay);

    [LoggerMessage(7, LogLevel.Information, "Actor runtime started on {Database}: {GrainClasses} grain classes, {Timers} pending reminders and deadlines loaded")]
    public static partial void Started(ILogger logger, string database, int grainClasses, int timers);

    [LoggerMessage(8, LogLevel.Warning, "{Database} is not reachable yet ({Error}); retrying in {Delay} (gives up after {Limit})")]
    public static partial void WaitingForStorage(ILogger logger, string database, string error, TimeSpan delay, TimeSpan limit);

    [LoggerMessage(9, LogLevel.Warning, "Call timed out: {Message}")]
    public static partial void CallTimedOut(ILogger logger, string message);

    [LoggerMessage(10, LogLevel.Error, "Timer {Name} fired for {Grain}, whose grain type is unknown or does not implement IRemindable; dropping it")]
    public static partial void TimerUndeliverable(ILogger logger, GrainId grain, string name);

    [LoggerMessage(11, LogLevel.Information, "Actor runtime stopping: deactivating {Count} activations")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Warning, "Deadline {Name} of {Grain} was handled but its row could not be deleted; it will fire again after a restart")]
    public static partial void DeadlineNotRetired(ILogger logger, Exception exception, GrainId grain, string name);
}
