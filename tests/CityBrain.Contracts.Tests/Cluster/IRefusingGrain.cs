namespace CityBrain.Contracts.Tests.Cluster;

/// <summary>A grain that refuses, as the city grains do.</summary>
public interface IRefusingGrain : IGrainWithStringKey
{
    /// <summary>Throws the refusal named (see <see cref="Errors.Refusals.ByName"/>).</summary>
    Task Refuse(string name);
}
