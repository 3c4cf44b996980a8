using CityBrain.Contracts.Tests.Errors;
using CityBrain.Contracts.Tests.Serialization;

namespace CityBrain.Contracts.Tests.Cluster;

[Collection(ContractsClusterCollection.Name)]
public sealed class GrainCallTests(ContractsCluster cluster)
{
    private static string Key() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Mutate_GrainChangesItsArgument_CallerInstanceUnchanged()
    {
        var incident = Samples.Incident();

        var returned = await cluster.Grains.GetGrain<IMessageGrain>(Key()).Mutate(incident);

        Assert.Equal(Samples.Incident(), incident);
        Assert.Equal(IncidentStatus.Closed, returned.Status);
        Assert.Single(returned.Assignments);
    }

    [Fact]
    public async Task MutateThroughCall_GrainToGrainInOneSilo_CallerInstanceUnchanged()
    {
        var afterwards = await cluster.Grains.GetGrain<IRelayGrain>(Key()).MutateThroughCall(Samples.Incident());

        Assert.Equal(Samples.Incident(), afterwards);
    }

    [Fact]
    public async Task GetState_CallerMutatesReturnedMessage_GrainStateUnchanged()
    {
        var grain = cluster.Grains.GetGrain<IMessageGrain>(Key());

        var first = await grain.GetState();
        first.Open["inc-a"].Open = false;
        first.Open.Remove("inc-b");
        var second = await grain.GetState();

        Assert.Equal(Samples.DepartmentState(), second);
    }

    [Fact]
    public async Task MutateReturnedState_GrainToGrainInOneSilo_GrainStateUnchanged()
    {
        var second = await cluster.Grains.GetGrain<IRelayGrain>(Key()).MutateReturnedState();

        Assert.Equal(Samples.DepartmentState(), second);
    }

    [Fact]
    public async Task Echo_RecordWithMessageFields_ReturnsEachField()
    {
        var incident = Samples.Incident();
        var envelope = new Envelope(incident, Samples.DepartmentState(), Samples.AssignedEvent(), [Samples.ReportedEvent()], incident);

        var result = await cluster.Grains.GetGrain<IMessageGrain>(Key()).Echo(envelope);

        Assert.Equal(incident, result.Incident);
        Assert.Equal(envelope.Payload, Assert.IsType<DepartmentState>(result.Payload));
        Assert.Equal(envelope.Message, Assert.IsType<IncidentEvent>(result.Message));
        Assert.Equal(envelope.Events, result.Events);
        Assert.Same(result.Incident, result.Again);
    }

    [Fact]
    public async Task EchoObject_MessageTypedObject_ReturnsConcreteMessage()
    {
        var result = await cluster.Grains.GetGrain<IMessageGrain>(Key()).EchoObject(Samples.ReportedEvent());

        Assert.Equal(Samples.ReportedEvent(), Assert.IsType<IncidentEvent>(result));
    }

    [Theory]
    [MemberData(nameof(Refusals.Names), MemberType = typeof(Refusals))]
    public async Task Refuse_RefusalThrownInGrain_ReachesCallerWithTypeMessageAndProperties(string name)
    {
        var grain = cluster.Grains.GetGrain<IRefusingGrain>(Key());

        var thrown = await Record.ExceptionAsync(() => grain.Refuse(name));

        Refusals.AssertSame(Refusals.ByName(name), thrown);
    }

    [Theory]
    [MemberData(nameof(Refusals.Names), MemberType = typeof(Refusals))]
    public async Task Refuse_RefusalPassedThroughAnotherGrain_ReachesCallerWithTypeMessageAndProperties(string name)
    {
        var grain = cluster.Grains.GetGrain<IRelayGrain>(Key());

        var thrown = await Record.ExceptionAsync(() => grain.Refuse(name));

        Refusals.AssertSame(Refusals.ByName(name), thrown);
    }
}
