using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace CityBrain.Bench.Support;

/// <summary>
/// Which types this process allocates, sampled by the runtime's allocation tick (one event about every 100 KB
/// allocated, naming the type of the object that crossed the mark). Enabled with <c>CITYBRAIN_ALLOC_SAMPLE=1</c>;
/// it costs a little throughput, so figures of a sampled run are not comparable with others.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    private AllocationSampler()
    {
    }

    /// <summary>A sampler when <c>CITYBRAIN_ALLOC_SAMPLE=1</c>, else null.</summary>
    public static AllocationSampler? FromEnvironment() =>
        Environment.GetEnvironmentVariable("CITYBRAIN_ALLOC_SAMPLE") == "1" ? new AllocationSampler() : null;

    /// <summary>Forgets what was sampled so far (the start of a measured phase).</summary>
    public void Clear() => _bytesByType.Clear();

    /// <summary>The most allocated types since the last report, bytes per <paramref name="operations"/>.</summary>
    public string Report(long operations, int top = 15)
    {
        var total = _bytesByType.Values.Sum();
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  allocation sample ({total / (double)operations:N0} sampled bytes per operation), top types:");
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(top))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n    {bytes / (double)operations,8:N0} B  {bytes * 100.0 / total,5:F1} %  {type}");
        }

        _bytesByType.Clear();
        return text.ToString();
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
