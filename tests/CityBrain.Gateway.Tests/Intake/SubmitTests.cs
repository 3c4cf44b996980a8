using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.Incidents;
using Grpc.Core;
using Google.Protobuf;

namespace CityBrain.Gateway.Tests.Intake;

/// <summary>EventIntake.Submit over the real server: durable acks, idempotent retries, a feed's own source only, and
/// every malformed event refused with INVALID_ARGUMENT naming the field, with nothing written.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SubmitTests(GatewayServer server)
{
    [Fact]
    public async Task Submit_ValidEvent_AcksWithTheIncidentStoredDurably()
    {
        var source = Events.Source("submit");
        var e = Events.Alert(server, source);

        var ack = await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = e });

        Assert.Equal(IncidentIds.For(source, e.SourceEventId), ack.IncidentId);
        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
        Assert.Equal(IncidentStatus.Reported, ack.Status);
        var detail = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = ack.IncidentId });
        Assert.Equal("g001", detail.Incident.GridId);
        var reported = Assert.Single(detail.Journal.Entries);
        Assert.Equal(Role.Feed, reported.Event.Actor.Role);
        Assert.Equal(source, reported.Event.Actor.Source);
    }

    [Fact]
    public async Task Submit_Retry_ReturnsTheSameIncidentAndWritesNothingNew()
    {
        var source = Events.Source("retry");
        var api = server.For(Who.Feed(source));
        var e = Events.Alert(server, source);
        var first = await api.Intake.SubmitAsync(new SubmitRequest { Event = e });
        var tail = await server.FeedTailAsync();

        var retry = await api.Intake.SubmitAsync(new SubmitRequest { Event = e });

        Assert.Equal(first.IncidentId, retry.IncidentId);
        Assert.Equal(IntakeOutcome.Existing, retry.Outcome);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task Submit_FeedForAnotherSource_PermissionDeniedAndNothingWritten()
    {
        var e = Events.Alert(server, Events.Source("someone-else"));
        var tail = await server.FeedTailAsync();

        var error = await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Feed(Events.Source("me"))).Intake.SubmitAsync(new SubmitRequest { Event = e }));

        Assert.Contains("own source", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task Submit_DispatcherForAnySource_IsAccepted()
    {
        var e = Events.Alert(server, Events.Source("phoned-in"));

        var ack = await server.For(Who.Dispatcher()).Intake.SubmitAsync(new SubmitRequest { Event = e });

        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
    }

    public static TheoryData<string, string> Malformed() => new()
    {
        { "no-source", "source: required" },
        { "no-id", "source_event_id: required" },
        { "latitude", "location.latitude: out of range" },
        { "longitude", "location.longitude: out of range" },
        { "nan", "location.latitude: out of range" },
        { "one-coordinate", "location.longitude: required with the other coordinate" },
        { "no-location", "location: required" },
        { "category", "category_code: unknown category '77.77'" },
        { "no-category", "category_code: required" },
        { "description", "description: longer than 4000 characters" },
        { "severity", "severity: unknown value 42" },
        { "grid", "location.grid_id: unknown grid 'g999'" },
        { "future", "occurred_at: in the future" },
        { "id-control", "source_event_id: contains control characters" },
        { "attachments-many", "attachments: more than 10" },
        { "attachment-big", "attachments[0].data: larger than 262144 bytes" },
        { "attachment-total", "attachments: more than 1048576 bytes of data in all" },
        { "attachment-uri", "attachments[0].uri: not an http(s) URL" },
        { "attachment-empty", "attachments[0]: needs a uri or data" },
        { "attachment-name", "attachments[0].name: required" },
        { "no-event", "event: required" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Submit_MalformedEvent_InvalidArgumentNamingTheFieldAndNothingWritten(string defect, string expected)
    {
        var source = Events.Source("bad");
        var e = Events.Alert(server, source);
        Break(e, defect);
        var request = defect == "no-event" ? new SubmitRequest() : new SubmitRequest { Event = e };
        var tail = await server.FeedTailAsync();

        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () => server.For(Who.Feed(e.Source.Length > 0 ? e.Source : source)).Intake.SubmitAsync(request));

        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
        if (e.Source.Length > 0 && e.SourceEventId.Length > 0 && !e.SourceEventId.Contains('\u0007', StringComparison.Ordinal))
        {
            await Expect.StatusAsync(StatusCode.NotFound, () => server.For(Who.Admin).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = IncidentIds.For(e.Source, e.SourceEventId) }));
        }
    }

    [Fact]
    public async Task Submit_GarbageBytesForAnEvent_FailsTheCallAndTheServerGoesOn()
    {
        // A SubmitRequest whose event field holds bytes that are no IntakeEvent.
        var garbage = new Method<Google.Protobuf.WellKnownTypes.BytesValue, SubmitAck>(
            MethodType.Unary, "citybrain.v1.EventIntake", "Submit",
            Marshallers.Create(m => m.ToByteArray(), Google.Protobuf.WellKnownTypes.BytesValue.Parser.ParseFrom),
            Marshallers.Create(m => m.ToByteArray(), SubmitAck.Parser.ParseFrom));
        var api = server.For(Who.Feed(Events.Source("garbage")));
        var tail = await server.FeedTailAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await api.Channel.CreateCallInvoker().AsyncUnaryCall(
            garbage, null, default, new Google.Protobuf.WellKnownTypes.BytesValue { Value = ByteString.CopyFrom(0xff, 0xff, 0xff, 0x0f, 0x02) }));

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.Equal(tail, await server.FeedTailAsync());
        Assert.NotNull(await api.Intake.PingAsync(new PingRequest()));
    }

    [Fact]
    public async Task Submit_WithAttachments_KeepsThemOnTheIncident()
    {
        var source = Events.Source("photos");
        var e = Events.Alert(server, source);
        e.Attachments.Add(new Attachment { Name = "photo-1.jpg", ContentType = "image/jpeg", Data = ByteString.CopyFrom(new byte[2048]) });
        e.Attachments.Add(new Attachment { Name = "video.mp4", ContentType = "video/mp4", Uri = "https://oss.example.cn/cb/video.mp4" });

        var ack = await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = e });

        var incident = (await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = ack.IncidentId, OmitJournal = true })).Incident;
        Assert.Equal(["photo-1.jpg", "video.mp4"], incident.Attachments.Select(a => a.Name));
        Assert.Equal(2048, incident.Attachments[0].Data.Length);
    }

    /// <summary>Makes one field of the event invalid.</summary>
    internal static void Break(IntakeEvent e, string defect)
    {
        switch (defect)
        {
            case "no-source": e.Source = ""; break;
            case "no-id": e.SourceEventId = ""; break;
            case "latitude": e.Location.Latitude = 95; break;
            case "longitude": e.Location.Longitude = -181; break;
            case "nan": e.Location.Latitude = double.NaN; break;
            case "one-coordinate": e.Location.ClearLongitude(); break;
            case "no-location": e.Location = null; break;
            case "category": e.CategoryCode = "77.77"; break;
            case "no-category": e.CategoryCode = ""; break;
            case "description": e.Description = new string('长', 4001); break;
            case "severity": e.Severity = (Severity)42; break;
            case "grid": e.Location.GridId = "g999"; break;
            case "future": e.OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2)); break;
            case "id-control": e.SourceEventId = "bell\u0007"; break;
            case "attachments-many":
                for (var i = 0; i < 11; i++)
                {
                    e.Attachments.Add(new Attachment { Name = $"p{i}.jpg", Uri = "https://oss.example.cn/p.jpg" });
                }

                break;
            case "attachment-big": e.Attachments.Add(new Attachment { Name = "big.jpg", Data = ByteString.CopyFrom(new byte[300 * 1024]) }); break;
            case "attachment-total":
                for (var i = 0; i < 5; i++)
                {
                    e.Attachments.Add(new Attachment { Name = $"p{i}.jpg", Data = ByteString.CopyFrom(new byte[250 * 1024]) });
                }

                break;
            case "attachment-uri": e.Attachments.Add(new Attachment { Name = "x.jpg", Uri = "file:///etc/passwd" }); break;
            case "attachment-empty": e.Attachments.Add(new Attachment { Name = "x.jpg" }); break;
            case "attachment-name": e.Attachments.Add(new Attachment { Uri = "https://oss.example.cn/p.jpg" }); break;
            case "no-event": break;
            default: throw new ArgumentOutOfRangeException(nameof(defect), defect, null);
        }
    }
}
