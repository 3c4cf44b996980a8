namespace CityBrain.Grains.Drills;

/// <summary>The stored drill index: listed drills with their numbers, oldest first (pure: the grain stores it).</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Drills.DrillIndexState")]
public sealed record DrillIndexState
{
    /// <summary>The last number given.</summary>
    [Id(0)]
    public long Last { get; init; }

    /// <summary>Listed drills, oldest first.</summary>
    [Id(1)]
    public IReadOnlyList<DrillIndexEntry> Entries { get; init; } = [];

    /// <summary>The index with <paramref name="drillId"/> added as the newest, keeping the last <paramref name="capacity"/>;
    /// null when it is listed already (it keeps its place).</summary>
    public DrillIndexState? With(string drillId, int capacity)
    {
        if (Entries.Any(e => e.DrillId == drillId))
        {
            return null;
        }

        var entries = Entries.Append(new DrillIndexEntry(Last + 1, drillId)).ToList();
        if (entries.Count > capacity)
        {
            entries.RemoveRange(0, entries.Count - capacity);
        }

        return new DrillIndexState { Last = Last + 1, Entries = entries };
    }

    /// <summary>Up to <paramref name="count"/> ids numbered below <paramref name="before"/> (0: from the newest), newest first.</summary>
    public DrillIndexPage Page(long before, int count)
    {
        var page = new List<string>(Math.Min(count, Entries.Count));
        var next = 0L;
        for (var i = Entries.Count - 1; i >= 0; i--)
        {
            if (before > 0 && Entries[i].Number >= before)
            {
                continue;
            }

            if (page.Count == count)
            {
                next = Entries[i + 1].Number; // the last one taken: the next page starts below it
                break;
            }

            page.Add(Entries[i].DrillId);
        }

        return new DrillIndexPage([.. page], next);
    }
}

/// <summary>One listed drill.</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Drills.DrillIndexEntry")]
public sealed record DrillIndexEntry([property: Id(0)] long Number, [property: Id(1)] string DrillId);
