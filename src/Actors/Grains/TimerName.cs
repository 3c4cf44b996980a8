namespace CityBrain.Actors;

internal static class TimerName
{
    public const int MaxLength = 200;

    public static void Validate(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxLength)
        {
            throw new ArgumentException($"A deadline or reminder name must be 1 to {MaxLength} characters.", nameof(name));
        }
    }

    /// <summary>Databases keep microseconds; due times are cut to that so a stored time compares equal to memory.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }
}
