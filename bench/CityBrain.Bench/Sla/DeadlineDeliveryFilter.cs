using System.Collections.Concurrent;
using System.Diagnostics;
using CityBrain.Storage;

namespace CityBrain.Bench.Sla;

/// <summary>
/// Splits the breach lag: for every deadline delivered to a grain (<see cref="IDeadlineReceiver.ReceiveDeadline"/>),
/// how late it arrived (the shard's timer and the call) and how long the grain took to handle it (waiting for its turn
/// and for the journal append of what fell due).
/// </summary>
internal sealed class DeadlineDeliveryFilter(TimeProvider time) : IIncomingGrainCallFilter
{
    private readonly ConcurrentQueue<(double ArrivalMs, double HandlingMs)> _samples = new();

    public Task Invoke(IIncomingGrainCallContext context) =>
        context.Request.GetArgumentCount() == 1 && context.Request.GetArgument(0) is DeadlineTick tick
            ? MeasureAsync(context, tick)
            : context.Invoke(); // every other call passes without an await of its own

    private async Task MeasureAsync(IIncomingGrainCallContext context, DeadlineTick tick)
    {
        var arrival = (time.GetUtcNow() - tick.DueAt).TotalMilliseconds;
        var start = Stopwatch.GetTimestamp();
        await context.Invoke();
        _samples.Enqueue((arrival, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
    }

    /// <summary>p50 and p99 of the arrival lag and of the handling time, in ms.</summary>
    public string Report()
    {
        var samples = _samples.ToArray();
        if (samples.Length == 0)
        {
            return "no deadline delivered";
        }

        var arrivals = samples.Select(s => s.ArrivalMs).Order().ToArray();
        var handling = samples.Select(s => s.HandlingMs).Order().ToArray();
        return FormattableString.Invariant(
            $"{samples.Length:N0} deadline deliveries: arrival after the due time p50 {At(arrivals, 50):F0} ms, p99 {At(arrivals, 99):F0} ms; handling in the grain (turn, journal append) p50 {At(handling, 50):F0} ms, p99 {At(handling, 99):F0} ms");
    }

    private static double At(double[] sorted, double percentile) =>
        sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
