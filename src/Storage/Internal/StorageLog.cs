using Microsoft.Extensions.Logging;

namespace CityBrain.Storage.Internal;

/// <summary>Every log message of the store.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Information, "Schema {Component} {Version} ({Description}) applied on {Database}")]
    public static partial void SchemaApplied(ILogger logger, string component, int version, string description, string database);

    [LoggerMessage(2, LogLevel.Warning, "A commit batch of {Count} appends lost a lock race (attempt {Attempt}); running it again")]
    public static partial void BatchRetried(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(3, LogLevel.Debug, "Deadline shard {Shard} active: {Count} deadlines pending as of feed position {Position}")]
    public static partial void ShardActivated(ILogger logger, int shard, int count, long position);

    [LoggerMessage(4, LogLevel.Warning, "Deadline shard {Shard} could not write its checkpoint; its next activation replays the feed from the previous one")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, int shard);

    [LoggerMessage(5, LogLevel.Warning, "Deadline shard {Shard} could not read the change feed; retrying in {Delay}")]
    public static partial void ShardReadFailed(ILogger logger, Exception exception, int shard, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Warning, "Deadline {Name} of {Grain} failed in its grain; firing it again in {Delay}")]
    public static partial void DeadlineFailed(ILogger logger, Exception exception, string grain, string name, TimeSpan delay);

    [LoggerMessage(8, LogLevel.Debug, "Deadline {Name} of {Grain} could not reach its grain ({Reason}); firing it again in {Delay}")]
    public static partial void DeadlineDeferred(ILogger logger, string grain, string name, string reason, TimeSpan delay);

    [LoggerMessage(7, LogLevel.Warning, "Keeping {Grain} active failed; trying every second")]
    public static partial void PingFailed(ILogger logger, Exception exception, string grain);

    [LoggerMessage(9, LogLevel.Warning, "The database is unreachable: {Reason}; the silo answers UNAVAILABLE until it is back")]
    public static partial void DatabaseUnreachable(ILogger logger, string reason);

    [LoggerMessage(10, LogLevel.Information, "The database answers again (unreachable for {Duration})")]
    public static partial void DatabaseReachable(ILogger logger, TimeSpan duration);

    [LoggerMessage(11, LogLevel.Information, "Outbox message {Id} for {Subscriber} (ordering key {OrderingKey}, {Length} characters, attempt {Attempt}) delivered to the log channel")]
    public static partial void OutboxLogged(ILogger logger, string subscriber, string orderingKey, string id, int length, int attempt);

    [LoggerMessage(12, LogLevel.Warning, "Outbox message {Id} for {Subscriber} failed attempt {Attempt}; next attempt at {NextAttemptAt:o}")]
    public static partial void OutboxAttemptFailed(ILogger logger, Exception exception, string id, string subscriber, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(13, LogLevel.Error, "Outbox message {Id} for {Subscriber} is a dead letter after {Attempts} attempts; it blocks ordering key {OrderingKey} until retried or discarded")]
    public static partial void OutboxDead(ILogger logger, Exception exception, string id, string subscriber, int attempts, string orderingKey);

    [LoggerMessage(14, LogLevel.Warning, "Outbox shard {Shard} could not read or update its messages; retrying in {Delay}")]
    public static partial void OutboxShardFailed(ILogger logger, Exception exception, int shard, TimeSpan delay);

    [LoggerMessage(15, LogLevel.Warning, "Outbox shard {Shard} could not delete its messages past the retention; trying again in {Delay}")]
    public static partial void OutboxPurgeFailed(ILogger logger, Exception exception, int shard, TimeSpan delay);

    [LoggerMessage(16, LogLevel.Debug, "Outbox shard {Shard} deleted {Count} delivered or discarded messages settled before {Before:o}")]
    public static partial void OutboxPurged(ILogger logger, int shard, long count, DateTimeOffset before);

    [LoggerMessage(17, LogLevel.Warning, "Deadline shard {Shard}: {Count} firings failed for want of the database ({Reason}); each is tried again in {Delay}, or as soon as the database answers, and held while it is known down. Such failures are counted and told at most every {Interval}")]
    public static partial void DeadlinesHeldUp(ILogger logger, int shard, int count, string reason, TimeSpan delay, TimeSpan interval);

    [LoggerMessage(18, LogLevel.Information, "Shard {Grain} moves from {From} to {To}, the silo that ranks first for it")]
    public static partial void ShardMoving(ILogger logger, string grain, string from, string to);

    [LoggerMessage(19, LogLevel.Warning, "Deadline shard {Shard}: the database is unreachable; deadlines falling due are held and fire as soon as it answers (checked again every {Delay})")]
    public static partial void DeadlinesHeld(ILogger logger, int shard, TimeSpan delay);

    [LoggerMessage(23, LogLevel.Warning, "Outbox shard {Shard} stops without marking {Count} delivered messages (the database did not answer); its next activation sends them again, with the same ids")]
    public static partial void OutboxUnmarkedAtStop(ILogger logger, Exception exception, int shard, int count);

    [LoggerMessage(20, LogLevel.Information, "Connections: {Text}")]
    public static partial void ConnectionBudgetFits(ILogger logger, string text);

    [LoggerMessage(21, LogLevel.Warning, "Connections: {Text}")]
    public static partial void ConnectionBudgetExceeded(ILogger logger, string text);

    [LoggerMessage(22, LogLevel.Warning, "Connections: could not read the database's connection limit; the silos' connections are not checked against it")]
    public static partial void ConnectionBudgetUnknown(ILogger logger, Exception exception);
}
