namespace CityBrain.Storage;

/// <summary>Implemented by grains that arm deadlines: a deadline shard calls it when one falls due.</summary>
public interface IDeadlineReceiver : IGrainWithStringKey
{
    /// <summary>
    /// The deadline fell due. Delivered at least once: late after downtime, possibly again after a crash, possibly for a
    /// due time the grain has since moved (its change was not yet read); handlers are idempotent and look at what is due
    /// now. Unless the grain re-arms it meanwhile, the deadline is retired once this returns; if this throws, it is
    /// delivered again shortly.
    /// </summary>
    Task ReceiveDeadline(DeadlineTick tick);
}

/// <summary>One delivery of a deadline.</summary>
/// <param name="Name">The deadline's name.</param>
/// <param name="DueAt">When it was due.</param>
/// <param name="FiredAt">When its shard fired it.</param>
[GenerateSerializer]
[Immutable]
[Alias("CityBrain.Storage.DeadlineTick")]
public readonly record struct DeadlineTick([property: Id(0)] string Name, [property: Id(1)] DateTimeOffset DueAt, [property: Id(2)] DateTimeOffset FiredAt);
