namespace CityBrain.Actors.Timers;

/// <summary>One pending reminder or deadline in memory. Kept small: a million of them must fit in about 200 MB.</summary>
internal sealed class TimerEntry(GrainId grain, string name, long dueTicks, long periodTicks)
{
    public GrainId Grain { get; } = grain;

    public string Name { get; } = name;

    /// <summary>Due time, UTC ticks.</summary>
    public long DueTicks { get; set; } = dueTicks;

    /// <summary>Period in ticks; 0 for a one-shot deadline.</summary>
    public long PeriodTicks { get; set; } = periodTicks;

    /// <summary>Position in <see cref="TimerHeap"/>, or -1 when not in it.</summary>
    public int HeapIndex { get; set; } = -1;
}
