using System.Diagnostics.Metrics;
using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Diagnostics;

/// <summary>The runtime's instruments, on the meter <c>CityBrain.Actors</c>.</summary>
internal sealed class ActorsMetrics : IDisposable
{
    public const string MeterName = "CityBrain.Actors";

    private readonly Meter _meter = new(MeterName);
    private readonly TimeProvider _time;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _callFailures;
    private readonly Histogram<double> _callDuration;
    private readonly UpDownCounter<long> _activations;
    private readonly Counter<long> _quantumExpired;
    private readonly Histogram<double> _storageRead;
    private readonly Histogram<double> _storageBatch;
    private readonly Histogram<int> _storageBatchSize;
    private readonly Counter<long> _storageWrites;
    private readonly Counter<long> _storageFailures;
    private readonly Counter<long> _timersFired;
    private readonly Histogram<double> _timerLag;

    public ActorsMetrics(TimeProvider time)
    {
        _time = time;
        _calls = _meter.CreateCounter<long>("citybrain.actors.calls", "{call}", "Grain calls completed");
        _callFailures = _meter.CreateCounter<long>("citybrain.actors.call.failures", "{call}", "Grain calls that ended in an exception");
        _callDuration = _meter.CreateHistogram<double>("citybrain.actors.call.duration", "ms", "Time from sending a grain call to its end");
        _activations = _meter.CreateUpDownCounter<long>("citybrain.actors.activations", "{activation}", "Live activations");
        _quantumExpired = _meter.CreateCounter<long>("citybrain.actors.quantum.expired", "{turn}", "Times an activation yielded its thread at the end of its quantum");
        _storageRead = _meter.CreateHistogram<double>("citybrain.storage.read.duration", "ms", "Storage read latency");
        _storageBatch = _meter.CreateHistogram<double>("citybrain.storage.batch.duration", "ms", "Group-commit transaction latency");
        _storageBatchSize = _meter.CreateHistogram<int>("citybrain.storage.batch.size", "{write}", "Writes per group-commit transaction");
        _storageWrites = _meter.CreateCounter<long>("citybrain.storage.writes", "{write}", "Durable grain writes");
        _storageFailures = _meter.CreateCounter<long>("citybrain.storage.failures", "{batch}", "Group-commit transactions that failed");
        _timersFired = _meter.CreateCounter<long>("citybrain.timers.fired", "{timer}", "Reminder ticks and deadlines fired");
        _timerLag = _meter.CreateHistogram<double>("citybrain.timers.lag", "ms", "How late a timer fired after its due time");
    }

    public bool MeasureCallDuration => _callDuration.Enabled;

    public long Timestamp() => _time.GetTimestamp();

    public void Activated() => _activations.Add(1);

    public void Deactivated() => _activations.Add(-1);

    public void QuantumExpired() => _quantumExpired.Add(1);

    public void CallCompleted(GrainRequest request, Exception? error)
    {
        _calls.Add(1);
        if (error is not null)
        {
            _callFailures.Add(1);
        }

        if (request.StartTimestamp != 0)
        {
            _callDuration.Record(_time.GetElapsedTime(request.StartTimestamp).TotalMilliseconds);
        }
    }

    public void StorageRead(TimeSpan elapsed) => _storageRead.Record(elapsed.TotalMilliseconds);

    public void StorageBatch(int size, TimeSpan elapsed, bool succeeded)
    {
        _storageBatch.Record(elapsed.TotalMilliseconds);
        _storageBatchSize.Record(size);
        if (succeeded)
        {
            _storageWrites.Add(size);
        }
        else
        {
            _storageFailures.Add(1);
        }
    }

    public void TimerFired(TimeSpan lag)
    {
        _timersFired.Add(1);
        _timerLag.Record(Math.Max(0, lag.TotalMilliseconds));
    }

    public void ObserveQueueLength(Func<long> queued) =>
        _meter.CreateObservableGauge("citybrain.actors.queue.length", queued, "{request}", "Requests waiting in activation mailboxes");

    public void ObserveStorageQueue(Func<int> queued) =>
        _meter.CreateObservableGauge("citybrain.storage.queue.length", queued, "{write}", "Writes waiting for a group commit");

    public void ObservePendingTimers(Func<int> pending) =>
        _meter.CreateObservableGauge("citybrain.timers.pending", pending, "{timer}", "Reminders and deadlines waiting to fire");

    public void Dispose() => _meter.Dispose();
}
