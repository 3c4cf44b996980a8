using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CityBrain.Storage.Outbox;

/// <summary>The outbox's instruments, on the city's meter (<c>CityBrain</c>, so the silo's exporters already take
/// them); deploy/observability/README.md documents them.</summary>
internal sealed class OutboxMetrics
{
    /// <summary>The city's meter name (CityBrain.Grains' <c>CityMetrics.MeterName</c>; Storage cannot reference it).</summary>
    public const string MeterName = "CityBrain";

    private static readonly double[] LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _dead;
    private readonly Counter<long> _purged;

    public OutboxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _lag = meter.CreateHistogram("citybrain.outbox.delivery.lag", "s", "From an outbox message's commit to the receiver's success.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _attempts = meter.CreateCounter<long>("citybrain.outbox.attempts", "{attempt}", "Outbox delivery attempts, by outcome.");
        _dead = meter.CreateCounter<long>("citybrain.outbox.dead_letters", "{message}", "Outbox messages that became dead letters.");
        _purged = meter.CreateCounter<long>("citybrain.outbox.purged", "{message}", "Delivered and discarded outbox messages deleted after the retention.");
    }

    public void Delivered(string subscriber, TimeSpan lag)
    {
        _attempts.Add(1, new TagList { { "subscriber", subscriber }, { "outcome", "delivered" } });
        _lag.Record(Math.Max(0, lag.TotalSeconds), new TagList { { "subscriber", subscriber } });
    }

    public void Failed(string subscriber, bool dead)
    {
        _attempts.Add(1, new TagList { { "subscriber", subscriber }, { "outcome", dead ? "dead" : "failed" } });
        if (dead)
        {
            _dead.Add(1, new TagList { { "subscriber", subscriber } });
        }
    }

    /// <summary>Records the <paramref name="count"/> messages of <paramref name="state"/> that one purge pass of
    /// <paramref name="shard"/> deleted (zero too: a listener sees every pass).</summary>
    public void Purged(int shard, OutboxState state, long count) =>
        _purged.Add(count, new TagList { { "shard", shard }, { "state", state == OutboxState.Delivered ? "delivered" : "discarded" } });
}
