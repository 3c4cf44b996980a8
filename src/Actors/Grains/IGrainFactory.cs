namespace CityBrain.Actors;

/// <summary>Creates references to grains. References are cheap, usable from grains and from outside.</summary>
public interface IGrainFactory
{
    /// <summary>
    /// Returns a reference to the grain implementing <typeparamref name="TGrainInterface"/> with the given key.
    /// Calling a method on it activates the grain on first use.
    /// </summary>
    /// <exception cref="ArgumentException">The key is null or empty, or no grain class implements the interface.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrain;
}
