using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CityBrain.Bench.AllocationHook;

/// <summary>
/// Activities started in this process, by source, kind and whether they are recorded ("count activity
/// source/kind/recorded" lines): a listener that never asks for an activity counts those that others asked for. It makes
/// every source report listeners, so a source that does work for listeners alone does it.
/// </summary>
public sealed class ActivityCounts : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _started = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;

    public ActivityCounts()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStarted = a => _started.AddOrUpdate($"activity {a.Source.Name}/{a.Kind}/{(a.Recorded ? "recorded" : "unrecorded")}", 1, (_, n) => n + 1),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Appends the counts since the last call, most first, one line each, and forgets them.</summary>
    public void Drain(StringBuilder text)
    {
        foreach (var (name, count) in _started.OrderByDescending(p => p.Value))
        {
            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(name).Append('\n');
        }

        _started.Clear();
    }

    public void Dispose() => _listener.Dispose();
}
