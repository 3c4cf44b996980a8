namespace CityBrain.Actors.Timers;

/// <summary>Timers are identified by grain and name.</summary>
internal sealed class TimerKeyComparer : IEqualityComparer<TimerEntry>
{
    public static readonly TimerKeyComparer Instance = new();

    public bool Equals(TimerEntry? x, TimerEntry? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Grain == y.Grain && string.Equals(x.Name, y.Name, StringComparison.Ordinal));

    public int GetHashCode(TimerEntry obj) => HashCode.Combine(obj.Grain.GetHashCode(), obj.Name);
}
