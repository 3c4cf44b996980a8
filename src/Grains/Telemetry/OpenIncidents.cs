using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using CityBrain.Contracts;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Telemetry;

/// <summary>Open incidents of one kind: status, escalation level, drill or real.</summary>
[GenerateSerializer]
[Immutable]
[Alias("CityBrain.Grains.Telemetry.OpenIncidentCount")]
public sealed record OpenIncidentCount(
    [property: Id(0)] IncidentStatus Status,
    [property: Id(1)] int Level,
    [property: Id(2)] bool Drill,
    [property: Id(3)] long Count);

/// <summary>
/// Counts the open incidents (every status but the terminal ones) of a view projector shard by status, escalation level
/// and drill, from the incident feed: each change moves one incident from its previous (status, level) to its new one.
/// The projector saves the counts with its feed position, so after a restart it replays from that position onto the
/// counts of that position: exact, at least once per change and never twice.
/// </summary>
internal sealed class OpenIncidentTally
{
    private readonly Dictionary<(IncidentStatus Status, int Level, bool Drill), long> _counts = [];

    public OpenIncidentTally(IEnumerable<OpenIncidentCount>? saved)
    {
        foreach (var count in saved ?? [])
        {
            _counts[(count.Status, count.Level, count.Drill)] = count.Count;
        }
    }

    /// <summary>Moves the changed incident from its previous kind to its new one.</summary>
    public void Apply(IncidentChange change)
    {
        if (IsOpen(change.PreviousStatus))
        {
            Add((change.PreviousStatus, change.PreviousEscalationLevel, change.Exercise), -1);
        }

        if (IsOpen(change.Status))
        {
            Add((change.Status, change.EscalationLevel, change.Exercise), +1);
        }
    }

    /// <summary>The counts that are not zero, for saving and for the gauge.</summary>
    public IReadOnlyList<OpenIncidentCount> Snapshot() =>
        _counts.Where(c => c.Value != 0).Select(c => new OpenIncidentCount(c.Key.Status, c.Key.Level, c.Key.Drill, c.Value)).ToArray();

    private static bool IsOpen(IncidentStatus status) => status != IncidentStatus.Unspecified && !SlaEngine.IsTerminal(status);

    private void Add((IncidentStatus, int, bool) key, long delta) => _counts[key] = _counts.GetValueOrDefault(key) + delta;
}

/// <summary>
/// The gauge <c>citybrain.incidents.open</c>: this silo reports the counts of the view projector shards active on it
/// (each shard is active on one silo at a time), so the sum over silos is the city's. A shard publishes after each batch
/// of the feed it applied and withdraws when it deactivates.
/// </summary>
public sealed class OpenIncidentGauge
{
    private readonly ConcurrentDictionary<int, (object Owner, IReadOnlyList<OpenIncidentCount> Counts)> _shards = new();

    /// <summary>Creates the gauge on <paramref name="meter"/> (the city's meter).</summary>
    internal void CreateOn(Meter meter) =>
        meter.CreateObservableGauge("citybrain.incidents.open", Observe, "{incident}",
            "Open incidents (not closed, rejected, duplicate or retracted) by status, escalation level and drill, as the view projector has applied the incident feed.");

    internal void Publish(int shard, object owner, IReadOnlyList<OpenIncidentCount> counts) => _shards[shard] = (owner, counts);

    internal void Withdraw(int shard, object owner)
    {
        if (_shards.TryGetValue(shard, out var current) && ReferenceEquals(current.Owner, owner))
        {
            _shards.TryRemove(KeyValuePair.Create(shard, current));
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var sums = new Dictionary<(IncidentStatus, int, bool), long>();
        foreach (var (_, (_, counts)) in _shards)
        {
            foreach (var c in counts)
            {
                sums[(c.Status, c.Level, c.Drill)] = sums.GetValueOrDefault((c.Status, c.Level, c.Drill)) + c.Count;
            }
        }

        return sums.Select(s => new Measurement<long>(s.Value,
            new KeyValuePair<string, object?>("status", StatusName(s.Key.Item1)),
            new KeyValuePair<string, object?>("level", s.Key.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new KeyValuePair<string, object?>("drill", s.Key.Item3 ? "true" : "false")));
    }

    /// <summary>The status's name in metrics: its protobuf name without the prefix, lower case (<c>on_site</c> 到场).</summary>
    internal static string StatusName(IncidentStatus status) => StatusNames.GetValueOrDefault(status, "unspecified");

    private static readonly FrozenDictionary<IncidentStatus, string> StatusNames =
        IncidentReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(IncidentStatus)).Values
            .ToFrozenDictionary(v => (IncidentStatus)v.Number, v => v.Name["INCIDENT_STATUS_".Length..].ToLowerInvariant());
}
