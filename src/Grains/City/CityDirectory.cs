using CityBrain.Contracts;

namespace CityBrain.Grains.City;

/// <summary>
/// This silo's copy of the current city model (one per silo, immutable, swapped whole on reload). Grains read it
/// for routing and catalog lookups; it is loaded from the city grain at start and replaced by
/// <see cref="CityLoader"/>.
/// </summary>
public sealed class CityDirectory
{
    private volatile Snapshot? _current;

    /// <summary>The current model, or null before a city is loaded.</summary>
    public CityModel? Current => _current?.Model;

    /// <summary>The stored version of the current model (0 before one is loaded).</summary>
    public long Version => _current?.Version ?? 0;

    /// <summary>The SHA-256 of the current definition's text.</summary>
    public string Sha256 => _current?.Sha256 ?? string.Empty;

    /// <summary>The current model.</summary>
    /// <exception cref="CityNotLoadedException">No city is loaded.</exception>
    public CityModel Require() => Current ?? throw new CityNotLoadedException();

    /// <summary>Installs a model (ignored when an equal or newer version is installed already).</summary>
    public void Install(CityModel model, long version, string sha256)
    {
        ArgumentNullException.ThrowIfNull(model);
        while (true)
        {
            var current = _current;
            if (current is not null && current.Version > version)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _current, new Snapshot(model, version, sha256), current) == current)
            {
                return;
            }
        }
    }

    /// <summary>The summary of the current model with its own version and hash (one snapshot, never two halves).</summary>
    /// <exception cref="CityNotLoadedException">No city is loaded.</exception>
    public CitySummary Summarize() =>
        _current is { } current ? current.Model.Summarize(current.Version, current.Sha256) : throw new CityNotLoadedException();

    private sealed record Snapshot(CityModel Model, long Version, string Sha256);
}
