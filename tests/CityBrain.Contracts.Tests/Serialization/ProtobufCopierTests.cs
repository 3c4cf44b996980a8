using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Contracts.Tests.Serialization;

public sealed class ProtobufCopierTests(SerializerFixture fixture) : IClassFixture<SerializerFixture>
{
    [Fact]
    public void Copy_Incident_ReturnsEqualDistinctInstance()
    {
        var incident = Samples.Incident();

        var copy = fixture.Copier.Copy(incident);

        Assert.Equal(incident, copy);
        Assert.NotSame(incident, copy);
        Assert.NotSame(incident.Location, copy.Location);
        Assert.NotSame(incident.Assignments[0], copy.Assignments[0]);
        Assert.NotSame(incident.OccurredAt, copy.OccurredAt);
    }

    [Fact]
    public void Copy_MutatingNestedAndRepeatedMembersOfCopy_LeavesOriginalUnchanged()
    {
        var incident = Samples.Incident();

        var copy = fixture.Copier.Copy(incident);
        copy.Status = IncidentStatus.Closed;
        copy.Location.Address = "changed";
        copy.Location.ClearLatitude();
        copy.Assignments[0].Status = AssignmentStatus.Handled;
        copy.Assignments[0].ArrivedAt.Seconds += 60;
        copy.Assignments.RemoveAt(1);
        copy.Clocks[0].WarnedPermille.Add(950);
        copy.Duplicates.Add("inc-c");
        copy.Policy.WarningPermille[0] = 500;

        Assert.Equal(Samples.Incident(), incident);
    }

    [Fact]
    public void Copy_MutatingMapOfCopy_LeavesOriginalUnchanged()
    {
        var state = Samples.DepartmentState();

        var copy = fixture.Copier.Copy(state);
        copy.Open["inc-a"].Open = false;
        copy.Open["inc-a"].OnSiteDueAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch);
        copy.Open.Remove("inc-b");
        copy.Open["inc-c"] = new AssignmentNotice { IncidentId = "inc-c" };

        Assert.Equal(Samples.DepartmentState(), state);
    }

    [Fact]
    public void Copy_MutatingOneofOfCopy_LeavesOriginalUnchanged()
    {
        var reported = Samples.ReportedEvent();

        var copy = fixture.Copier.Copy(reported);
        copy.Reported.Seed.Assignments.Clear();
        copy.Closed = new Closed();

        Assert.Equal(IncidentEvent.KindOneofCase.Reported, reported.KindCase);
        Assert.Equal(Samples.ReportedEvent(), reported);
    }

    [Fact]
    public void Copy_MessageAsObject_ReturnsEqualDistinctInstance()
    {
        object state = Samples.DepartmentState();

        var copy = fixture.Copier.Copy(state);

        Assert.Equal(state, Assert.IsType<DepartmentState>(copy));
        Assert.NotSame(state, copy);
    }

    [Fact]
    public void Copy_RecordWithMessageFields_ClonesEachMessage()
    {
        var envelope = new Envelope(Samples.Incident(), Samples.DepartmentState(), Samples.AssignedEvent(), [Samples.ReportedEvent()], null);

        var copy = fixture.Copier.Copy(envelope);

        Assert.Equal(envelope.Incident, copy.Incident);
        Assert.NotSame(envelope.Incident, copy.Incident);
        Assert.Equal(envelope.Payload, copy.Payload);
        Assert.NotSame(envelope.Payload, copy.Payload);
        Assert.Equal(envelope.Message, copy.Message);
        Assert.NotSame(envelope.Message, copy.Message);
        Assert.Equal(envelope.Events, copy.Events);
        Assert.NotSame(envelope.Events[0], copy.Events[0]);
    }

    [Fact]
    public void Copy_SameMessageTwiceInRecord_CopiesItOnce()
    {
        var incident = Samples.Incident();
        var envelope = new Envelope(incident, incident, null, [], incident);

        var copy = fixture.Copier.Copy(envelope);

        Assert.NotSame(incident, copy.Incident);
        Assert.Same(copy.Incident, copy.Again);
        Assert.Same(copy.Incident, copy.Payload);
    }
}
