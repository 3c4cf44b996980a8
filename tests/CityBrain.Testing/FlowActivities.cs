using System.Diagnostics;

namespace CityBrain.Testing;

/// <summary>
/// The activities started in the async flow that created this watcher (and flows started from it), on the sources it is
/// given, whoever asked for them; other tests' activities, running in parallel in the same process, are not seen.
/// </summary>
public sealed class FlowActivities : IDisposable
{
    private readonly AsyncLocal<bool> _watched = new() { Value = true };
    private readonly List<Activity> _started = [];
    private readonly ActivityListener _listener;

    /// <summary>Watches the sources whose names <paramref name="sources"/> selects. For the watched flow's activities it
    /// answers <paramref name="sample"/> (OpenTelemetry answers <see cref="ActivitySamplingResult.PropagationData"/> for a
    /// dropped root span); the default asks for nothing, so only activities other listeners ask for are seen.</summary>
    public FlowActivities(Func<string, bool> sources, ActivitySamplingResult sample = ActivitySamplingResult.None)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => _watched.Value ? sample : ActivitySamplingResult.None,
            ActivityStarted = activity =>
            {
                if (_watched.Value)
                {
                    lock (_started)
                    {
                        _started.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The activities started so far in the watched flow.</summary>
    public IReadOnlyList<Activity> Started
    {
        get
        {
            lock (_started)
            {
                return [.. _started];
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
