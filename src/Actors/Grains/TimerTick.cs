namespace CityBrain.Actors;

/// <summary>One delivery of a reminder or deadline.</summary>
/// <param name="DueAt">When it was due.</param>
/// <param name="FiredAt">When the runtime fired it (later than <paramref name="DueAt"/> after downtime).</param>
/// <param name="Period">The reminder's period; null for a one-shot deadline.</param>
public readonly record struct TimerTick(DateTimeOffset DueAt, DateTimeOffset FiredAt, TimeSpan? Period)
{
    /// <summary>True for a one-shot deadline.</summary>
    public bool IsDeadline => Period is null;
}
