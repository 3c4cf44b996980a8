using CityBrain.Actors.Hosting;
using System.Collections.Concurrent;

namespace CityBrain.Actors.Activation;

/// <summary>The activations living in this silo, by grain id. At most one activation per grain is in the catalog.</summary>
internal sealed class Catalog(GrainRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    public int Count => _activations.Count;

    /// <summary>A snapshot of the activations (copies: use <see cref="Enumerate"/> for a sweep).</summary>
    public ICollection<ActivationData> Activations => _activations.Values;

    /// <summary>Walks the activations without copying them (a moving view: entries may come and go meanwhile).</summary>
    public IEnumerable<ActivationData> Enumerate()
    {
        foreach (var entry in _activations)
        {
            yield return entry.Value;
        }
    }

    public ActivationData GetOrCreate(GrainId id, GrainClassInfo grainClass)
    {
        if (_activations.TryGetValue(id, out var existing))
        {
            return existing;
        }

        return _activations.GetOrAdd(id, static (grainId, state) => new ActivationData(state.runtime, state.grainClass, grainId), (runtime, grainClass));
    }

    public bool TryGet(GrainId id, out ActivationData activation) => _activations.TryGetValue(id, out activation!);

    /// <summary>Removes the activation, only if it is still the one registered for its grain.</summary>
    public void Remove(ActivationData activation) => _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.Id, activation));
}
