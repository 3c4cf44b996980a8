using Google.Protobuf;

namespace CityBrain.Contracts.Tests.Serialization;

public sealed class ProtobufCodecTests(SerializerFixture fixture) : IClassFixture<SerializerFixture>
{
    [Fact]
    public void RoundTrip_IncidentWithNestedRepeatedAndTimestamps_ReadsBackEqual()
    {
        var incident = Samples.Incident();

        var result = fixture.RoundTrip(incident);

        Assert.Equal(incident, result);
        Assert.Equal(31.2304, result.Location.Latitude);
        Assert.Equal(Samples.Time(25), result.Assignments[0].ArrivedAt);
        Assert.Equal(["roads", "police"], result.SuggestedDepartments);
        Assert.Equal(incident.Attachments[0].Data, result.Attachments[0].Data);
    }

    [Fact]
    public void RoundTrip_OptionalFieldUnset_StaysUnset()
    {
        var incident = Samples.Incident();
        incident.Location.ClearLongitude();

        var result = fixture.RoundTrip(incident);

        Assert.True(result.Location.HasLatitude);
        Assert.False(result.Location.HasLongitude);
    }

    [Fact]
    public void RoundTrip_EventWithOneof_KeepsCaseAndPayload()
    {
        var assigned = Samples.AssignedEvent();
        var reported = Samples.ReportedEvent();

        var assignedResult = fixture.RoundTrip(assigned);
        var reportedResult = fixture.RoundTrip(reported);

        Assert.Equal(IncidentEvent.KindOneofCase.Assigned, assignedResult.KindCase);
        Assert.Equal(assigned, assignedResult);
        Assert.Equal(IncidentEvent.KindOneofCase.Reported, reportedResult.KindCase);
        Assert.Equal(Samples.Incident(), reportedResult.Reported.Seed);
    }

    [Fact]
    public void RoundTrip_StateWithMapField_ReadsBackEqual()
    {
        var state = Samples.DepartmentState();

        var result = fixture.RoundTrip(state);

        Assert.Equal(state, result);
        Assert.Equal(["inc-a", "inc-b"], result.Open.Keys.Order());
        Assert.Equal(Samples.Time(35), result.Open["inc-a"].OnSiteDueAt);
    }

    [Fact]
    public void RoundTrip_EmptyMessage_ReadsBackEmpty()
    {
        var result = fixture.RoundTrip(new Incident());

        Assert.Equal(new Incident(), result);
    }

    [Fact]
    public void RoundTrip_MessageAsObject_ReadsBackConcreteType()
    {
        object state = Samples.DepartmentState();

        var result = fixture.RoundTrip(state);

        var read = Assert.IsType<DepartmentState>(result);
        Assert.Equal(state, read);
    }

    [Fact]
    public void RoundTrip_MessageAsIMessage_ReadsBackConcreteType()
    {
        IMessage message = Samples.AssignedEvent();

        var result = fixture.RoundTrip(message);

        Assert.Equal(message, Assert.IsType<IncidentEvent>(result));
    }

    [Fact]
    public void RoundTrip_RecordWithMessageFields_ReadsBackEachField()
    {
        var envelope = new Envelope(Samples.Incident(), Samples.DepartmentState(), Samples.AssignedEvent(), [Samples.ReportedEvent(), Samples.AssignedEvent()], null);

        var result = fixture.RoundTrip(envelope);

        Assert.Equal(envelope.Incident, result.Incident);
        Assert.Equal(envelope.Payload, Assert.IsType<DepartmentState>(result.Payload));
        Assert.Equal(envelope.Message, Assert.IsType<IncidentEvent>(result.Message));
        Assert.Equal(envelope.Events, result.Events);
        Assert.Null(result.Again);
    }

    [Fact]
    public void RoundTrip_SameMessageTwiceInRecord_ReadsBackOneInstance()
    {
        var incident = Samples.Incident();
        var envelope = new Envelope(incident, incident, null, [], incident);

        var result = fixture.RoundTrip(envelope);

        Assert.Equal(incident, result.Incident);
        Assert.Same(result.Incident, result.Again);
        Assert.Same(result.Incident, result.Payload);
    }

    [Fact]
    public void RoundTrip_LargeMessageThroughStream_ReadsBackEqual()
    {
        // A stream is read in pieces, so the payload cannot be parsed in place; 1 MB also outgrows the writer's first buffer.
        var incident = Samples.Incident();
        incident.Attachments.Add(new Attachment { Name = "video.mp4", Data = ByteString.CopyFrom(Enumerable.Range(0, 1 << 20).Select(i => (byte)i).ToArray()) });
        using var stream = new MemoryStream();

        fixture.Serializer.Serialize(incident, stream);
        stream.Position = 0;
        var result = fixture.Serializer.Deserialize<Incident>(stream);

        Assert.Equal(incident, result);
    }

    [Fact]
    public void RoundTrip_LargeMessageIntoSegmentsSmallerThanIt_ReadsBackEqual()
    {
        // Orleans writes messages between silos into a buffer writer whose spans are capped below what a large message
        // asks for (a city definition's text): the codec must not assume one contiguous span of the message's size
        // (it once threw ArgumentOutOfRangeException here, failing every remote call that returned the city).
        var document = new CityDocument { Text = new string('城', 200_000), FileName = "city.yaml", Version = 3 };
        var output = new CappedBufferWriter(4096);

        fixture.Serializer.Serialize(document, output);
        var result = fixture.Serializer.Deserialize<CityDocument>(output.Written);

        Assert.Equal(document, result);
        Assert.True(output.Segments > 100);
    }

    /// <summary>Hands out spans of at most <c>cap</c> bytes, whatever size is asked for.</summary>
    private sealed class CappedBufferWriter(int cap) : System.Buffers.IBufferWriter<byte>
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _inner = new();

        public int Segments { get; private set; }

        public ReadOnlyMemory<byte> Written => _inner.WrittenMemory;

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Segments++;
            return _inner.GetMemory(cap)[..cap];
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    [Fact]
    public void RoundTrip_ListOfMessages_ReadsBackInOrder()
    {
        List<object> values = [Samples.Incident(), "between", Samples.DepartmentState(), Samples.AssignedEvent()];

        var result = fixture.RoundTrip(values);

        Assert.Equal(values, result);
    }
}
