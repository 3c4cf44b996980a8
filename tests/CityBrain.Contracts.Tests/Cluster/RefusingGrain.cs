using CityBrain.Contracts.Tests.Errors;

namespace CityBrain.Contracts.Tests.Cluster;

public sealed class RefusingGrain : Grain, IRefusingGrain
{
    public Task Refuse(string name) => throw Refusals.ByName(name);
}
