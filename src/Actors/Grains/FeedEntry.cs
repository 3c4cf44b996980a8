namespace CityBrain.Actors;

/// <summary>One entry of a change feed.</summary>
/// <param name="Position">Its position: strictly increasing in commit order across the whole database.</param>
/// <param name="Grain">The grain that published it.</param>
/// <param name="RecordedAt">When it was written.</param>
/// <param name="Value">What the grain published.</param>
public sealed record FeedEntry<T>(long Position, GrainId Grain, DateTimeOffset RecordedAt, T Value);
