using CityBrain.Contracts.Tests.Serialization;

namespace CityBrain.Contracts.Tests.Cluster;

public sealed class MessageGrain : Grain, IMessageGrain
{
    private readonly DepartmentState _state = Samples.DepartmentState();

    public Task<Incident> Mutate(Incident incident)
    {
        incident.Status = IncidentStatus.Closed;
        incident.Location.Address = "changed by the grain";
        incident.Assignments[0].Status = AssignmentStatus.Handled;
        incident.Assignments.RemoveAt(1);
        incident.Duplicates.Add("inc-from-grain");
        incident.OccurredAt.Seconds += 3600;
        return Task.FromResult(incident);
    }

    public Task<DepartmentState> GetState() => Task.FromResult(_state);

    public Task<Envelope> Echo(Envelope envelope) => Task.FromResult(envelope);

    public Task<object> EchoObject(object value) => Task.FromResult(value);
}
