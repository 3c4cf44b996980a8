using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace CityBrain.Bench.AllocationHook;

/// <summary>
/// Which types this process allocates, sampled by the runtime's allocation tick (one GC AllocationTick event about every
/// 100 KB allocated, naming the type of the object that crossed the mark). Listening costs the process some CPU.
/// </summary>
public sealed class AllocationTicks : EventListener
{
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    /// <summary>The sampled bytes by type since the last call, most first, and forgets them.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Drain()
    {
        var sampled = _bytesByType.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToList();
        _bytesByType.Clear();
        return sampled;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTickEventId || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
