namespace CityBrain.Grains.Hosting;

/// <summary>Settings of the city grains (configuration section <c>CityBrain</c>).</summary>
public sealed class CityBrainGrainsOptions
{
    /// <summary>A city file (YAML or JSON) to load at start; it replaces the stored definition when it differs.
    /// Null: use the stored definition.</summary>
    public string? CityFile { get; set; }

    /// <summary>When no city is stored and <see cref="CityFile"/> is not set, load the demo city shipped with this
    /// build (deploy/demo/city.yaml, embedded). Default true, so a fresh silo is a complete center.</summary>
    public bool LoadDemoCityWhenEmpty { get; set; } = true;
}
