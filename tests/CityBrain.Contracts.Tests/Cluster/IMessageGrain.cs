using CityBrain.Contracts.Tests.Serialization;

namespace CityBrain.Contracts.Tests.Cluster;

/// <summary>A grain that takes and returns protobuf messages the way the city grains do.</summary>
public interface IMessageGrain : IGrainWithStringKey
{
    /// <summary>Changes the incident it was given (top level, nested and repeated members) and returns it.</summary>
    Task<Incident> Mutate(Incident incident);

    /// <summary>Returns its state message itself, not a copy.</summary>
    Task<DepartmentState> GetState();

    /// <summary>Returns what it was given.</summary>
    Task<Envelope> Echo(Envelope envelope);

    /// <summary>Returns what it was given, typed <see cref="object"/>.</summary>
    Task<object> EchoObject(object value);
}
