namespace CityBrain.Actors;

/// <summary>One confirmed event of a journaled grain.</summary>
/// <param name="Sequence">Its position in the grain's journal, from 1.</param>
/// <param name="RecordedAt">When it was raised.</param>
/// <param name="Event">The event.</param>
public sealed record JournalEntry<TEvent>(long Sequence, DateTimeOffset RecordedAt, TEvent Event);
