namespace CityBrain.Testing.WebConsole;

/// <summary>Main-thread time in tasks, script, layout and style, the thread's and the process's CPU time (s), and the
/// clock they were read at (s).</summary>
public sealed record MainThread(double Task, double Script, double Layout, double Style, double Timestamp, double ThreadTime, double ProcessTime)
{
    /// <summary>Seconds from <paramref name="before"/> to this reading.</summary>
    public double SpanSince(MainThread before) => Timestamp - before.Timestamp;

    /// <summary>The share of the time since <paramref name="before"/> the main thread spent in tasks (0 to 1).</summary>
    public double BusySince(MainThread before) => (Task - before.Task) / SpanSince(before);
}
