using System.Globalization;
using System.Text;
using CityBrain.Bench.AllocationHook;

namespace CityBrain.Bench.Support;

/// <summary>
/// Which types this process allocates (<see cref="AllocationTicks"/>). Enabled with <c>CITYBRAIN_ALLOC_SAMPLE=1</c>;
/// it costs a little throughput, so figures of a sampled run are not comparable with others.
/// </summary>
internal sealed class AllocationSampler : IDisposable
{
    private readonly AllocationTicks _ticks = new();

    private AllocationSampler()
    {
    }

    /// <summary>A sampler when <c>CITYBRAIN_ALLOC_SAMPLE=1</c>, else null.</summary>
    public static AllocationSampler? FromEnvironment() =>
        Environment.GetEnvironmentVariable("CITYBRAIN_ALLOC_SAMPLE") == "1" ? new AllocationSampler() : null;

    /// <summary>Forgets what was sampled so far (the start of a measured phase).</summary>
    public void Clear() => _ticks.Drain();

    /// <summary>The most allocated types since the last report, bytes per <paramref name="operations"/>.</summary>
    public string Report(long operations, int top = 15)
    {
        var sampled = _ticks.Drain();
        var total = sampled.Sum(s => s.Bytes);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  allocation sample ({total / (double)operations:N0} sampled bytes per operation), top types:");
        foreach (var (type, bytes) in sampled.Take(top))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n    {bytes / (double)operations,8:N0} B  {bytes * 100.0 / total,5:F1} %  {type}");
        }

        return text.ToString();
    }

    public void Dispose() => _ticks.Dispose();
}
