using CityBrain.Contracts;
using CityBrain.Grains.Incidents;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>Records every committed incident event and lets a test wait for one (an explicit signal, no sleeps).</summary>
public sealed class TestObserver : IIncidentObserver
{
    private readonly Lock _lock = new();
    private readonly List<(Incident Incident, IncidentEvent Event)> _seen = [];
    private readonly List<(Func<Incident, IncidentEvent, bool> Match, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<IncidentEvent> EventsOf(string incidentId)
    {
        lock (_lock)
        {
            return _seen.Where(s => s.Incident.Id == incidentId).Select(s => s.Event).ToList();
        }
    }

    public void OnCommitted(Incident incident, IReadOnlyList<IncidentEvent> events, DateTimeOffset committedAt)
    {
        var done = new List<TaskCompletionSource>();
        lock (_lock)
        {
            foreach (var e in events)
            {
                _seen.Add((incident, e));
                foreach (var waiter in _waiters.Where(w => w.Match(incident, e)).ToList())
                {
                    _waiters.Remove(waiter);
                    done.Add(waiter.Done);
                }
            }
        }

        foreach (var tcs in done)
        {
            tcs.TrySetResult();
        }
    }

    /// <summary>Completes when (or if already) an event of the incident matches.</summary>
    public Task WaitAsync(string incidentId, Func<IncidentEvent, bool> match, string what, int seconds = 60)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_seen.Any(s => s.Incident.Id == incidentId && match(s.Event)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add(((i, e) => i.Id == incidentId && match(e), tcs));
        }

        return Wait(tcs.Task, incidentId, what, seconds);
    }

    private async Task Wait(Task task, string incidentId, string what, int seconds)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} of {incidentId} did not happen within {seconds} s. Seen: {string.Join(", ", EventsOf(incidentId).Select(e => e.KindCase))}");
        }
    }
}
