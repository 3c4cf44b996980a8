using System.Diagnostics.Metrics;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Storage.Tests.Outbox;

/// <summary>
/// Listens to <c>citybrain.outbox.attempts</c>, which the shard records after it has stored an attempt's outcome:
/// waiting for (subscriber, "delivered" | "failed" | "dead") is waiting until the database says so. And to
/// <c>citybrain.outbox.purged</c>, which each shard records once per settled state after every purge pass.
/// </summary>
public sealed class OutboxOutcomes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Signals<(string Subscriber, string Outcome)> _outcomes = new();
    private readonly Signals<(object? Silo, int Shard, long Count)> _purges = new();

    public OutboxOutcomes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "citybrain.outbox.attempts" or "citybrain.outbox.purged")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, measurement, tags, _) =>
        {
            string? subscriber = null;
            string? outcome = null;
            var shard = -1;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "subscriber":
                        subscriber = tag.Value as string;
                        break;
                    case "outcome":
                        outcome = tag.Value as string;
                        break;
                    case "shard":
                        shard = tag.Value is int value ? value : -1;
                        break;
                }
            }

            if (instrument.Name == "citybrain.outbox.purged")
            {
                // The meter's scope is the silo's IMeterFactory: tests in other collections run silos meanwhile.
                _purges.Add((instrument.Meter.Scope, shard, measurement));
            }
            else
            {
                _outcomes.Add((subscriber ?? "", outcome ?? ""));
            }
        });
        _listener.Start();
    }

    /// <summary>Completes once <paramref name="subscriber"/> has <paramref name="count"/> outcomes <paramref name="outcome"/>.</summary>
    public Task WaitAsync(string subscriber, string outcome, int count = 1) =>
        _outcomes.WaitAsync(items => items.Count(i => i.Subscriber == subscriber && i.Outcome == outcome) >= count);

    /// <summary>Messages the purge passes of <paramref name="silo"/>'s shards have deleted so far.</summary>
    public long Purged(StorageCluster silo)
    {
        var meters = Meters(silo);
        return _purges.Items.Where(p => p.Silo == meters).Sum(p => p.Count);
    }

    /// <summary>Completes once every one of <paramref name="silo"/>'s eight shards has finished
    /// <paramref name="passes"/> purge passes (a pass records delivered and discarded: two measurements).</summary>
    public Task WaitPurgePassesAsync(StorageCluster silo, int passes)
    {
        var meters = Meters(silo);
        return _purges.WaitAsync(items => Enumerable.Range(0, 8).All(shard => items.Count(i => i.Silo == meters && i.Shard == shard) >= 2 * passes));
    }

    private static IMeterFactory Meters(StorageCluster silo) => silo.SiloServices.GetRequiredService<IMeterFactory>();

    public void Dispose() => _listener.Dispose();
}
