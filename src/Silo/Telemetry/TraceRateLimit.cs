namespace CityBrain.Silo.Telemetry;

/// <summary>
/// Admits at most <c>perSecond</c> traces a second, and after a quiet spell a burst of up to one second's worth: the generic
/// cell rate algorithm, one timestamp (when the next trace is due) moved forward lock-free by every trace admitted. It
/// bounds what tracing costs a busy silo whatever share of its requests is sampled.
/// </summary>
internal sealed class TraceRateLimit
{
    private readonly TimeProvider _time;

    /// <summary>Timestamp ticks between two traces at the limit.</summary>
    private readonly long _interval;

    /// <summary>How far ahead of now the schedule may run: a second's traces, taken at once after a quiet spell.</summary>
    private readonly long _burst;

    /// <summary>When the next trace is due, in <see cref="TimeProvider.GetTimestamp"/> ticks.</summary>
    private long _due;

    public TraceRateLimit(int perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _time = time;
        _interval = Math.Max(1, time.TimestampFrequency / perSecond);
        _burst = Math.Max(0, time.TimestampFrequency - _interval);
        _due = time.GetTimestamp();
    }

    /// <summary>Takes a trace's place if one is free now.</summary>
    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        var due = Volatile.Read(ref _due);
        while (true)
        {
            var next = Math.Max(due, now);
            if (next - now > _burst)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _due, next + _interval, due);
            if (seen == due)
            {
                return true;
            }

            due = seen;
        }
    }
}
