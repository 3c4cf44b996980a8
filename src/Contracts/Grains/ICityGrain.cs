using Orleans.Concurrency;

namespace CityBrain.Contracts;

/// <summary>The stored city definition (key <c>current</c>): every silo loads its city model from here.</summary>
public interface ICityGrain : IGrainWithStringKey
{
    /// <summary>Stores a definition (already validated by the caller) and returns it with its new version.
    /// Storing the same text again keeps the version.</summary>
    Task<CityDocument> Publish(CityDocument document);

    /// <summary>The stored definition; an empty text when none was loaded.</summary>
    [ReadOnly]
    Task<CityDocument> Get();

    /// <summary>The stored definition's version (0 when none was loaded): what every silo checks every second.</summary>
    [ReadOnly]
    Task<long> Version();
}
