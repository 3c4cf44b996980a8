namespace CityBrain.Contracts.Tests.Cluster;

/// <summary>Calls the other test grains from inside the silo, where Orleans copies values instead of serializing
/// them.</summary>
public interface IRelayGrain : IGrainWithStringKey
{
    /// <summary>Passes the incident to <see cref="IMessageGrain.Mutate"/> (same key) and returns its own instance
    /// afterwards.</summary>
    Task<Incident> MutateThroughCall(Incident incident);

    /// <summary>Reads <see cref="IMessageGrain.GetState"/> (same key), changes what it got, and reads it again.</summary>
    Task<DepartmentState> MutateReturnedState();

    /// <summary>Calls <see cref="IRefusingGrain.Refuse"/> (same key) and lets its refusal through.</summary>
    Task Refuse(string name);
}
