using System.Diagnostics.Metrics;
using CityBrain.Testing;

namespace CityBrain.Storage.Tests.Outbox;

/// <summary>
/// Listens to <c>citybrain.outbox.attempts</c>, which the shard records after it has stored an attempt's outcome:
/// waiting for (subscriber, "delivered" | "failed" | "dead") is waiting until the database says so.
/// </summary>
public sealed class OutboxOutcomes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Signals<(string Subscriber, string Outcome)> _outcomes = new();

    public OutboxOutcomes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "citybrain.outbox.attempts")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? subscriber = null;
            string? outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "subscriber")
                {
                    subscriber = tag.Value as string;
                }
                else if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            _outcomes.Add((subscriber ?? "", outcome ?? ""));
        });
        _listener.Start();
    }

    /// <summary>Completes once <paramref name="subscriber"/> has <paramref name="count"/> outcomes <paramref name="outcome"/>.</summary>
    public Task WaitAsync(string subscriber, string outcome, int count = 1) =>
        _outcomes.WaitAsync(items => items.Count(i => i.Subscriber == subscriber && i.Outcome == outcome) >= count);

    public void Dispose() => _listener.Dispose();
}
