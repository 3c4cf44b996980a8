namespace CityBrain.Contracts.Tests.Cluster;

public sealed class RelayGrain : Grain, IRelayGrain
{
    public async Task<Incident> MutateThroughCall(Incident incident)
    {
        _ = await GrainFactory.GetGrain<IMessageGrain>(this.GetPrimaryKeyString()).Mutate(incident);
        return incident;
    }

    public async Task<DepartmentState> MutateReturnedState()
    {
        var grain = GrainFactory.GetGrain<IMessageGrain>(this.GetPrimaryKeyString());
        var first = await grain.GetState();
        first.Open["inc-a"].Open = false;
        first.Open.Remove("inc-b");
        return await grain.GetState();
    }

    public Task Refuse(string name) => GrainFactory.GetGrain<IRefusingGrain>(this.GetPrimaryKeyString()).Refuse(name);
}
