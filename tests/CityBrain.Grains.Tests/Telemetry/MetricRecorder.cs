using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CityBrain.Grains.Tests.Telemetry;

/// <summary>Listens to the instruments of one silo's meters (by their factory) and lets a test wait for a measurement.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<Measurement, bool> Match, TaskCompletionSource<Measurement> Found)> _waiters = [];
    private List<Measurement>? _observed;

    public MetricRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The first measurement of <paramref name="instrument"/> that <paramref name="match"/> accepts, recorded before or after the call.</summary>
    public Task<Measurement> WaitAsync(string instrument, Func<IReadOnlyDictionary<string, object?>, bool> match)
    {
        bool Accepts(Measurement m) => m.Instrument == instrument && match(m.Tags);
        var found = new TaskCompletionSource<Measurement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((Accepts, found));
            foreach (var m in _measurements)
            {
                if (Accepts(m))
                {
                    found.TrySetResult(m);
                }
            }
        }

        return found.Task;
    }

    /// <summary>Collects the observable instruments now (as an exporter would) and returns the measurements of
    /// <paramref name="instrument"/> this collection produced.</summary>
    public IReadOnlyList<Measurement> Observe(string instrument)
    {
        lock (_lock)
        {
            _observed = [];
        }

        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            var observed = _observed!.Where(m => m.Instrument == instrument).ToList();
            _observed = null;
            return observed;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measurement = new Measurement(instrument.Name, value, new Dictionary<string, object?>(tags.ToArray()));
        lock (_lock)
        {
            _measurements.Enqueue(measurement);
            _observed?.Add(measurement);
            foreach (var (match, found) in _waiters)
            {
                if (match(measurement))
                {
                    found.TrySetResult(measurement);
                }
            }
        }
    }

    /// <summary>One recorded value with its tags.</summary>
    internal sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
