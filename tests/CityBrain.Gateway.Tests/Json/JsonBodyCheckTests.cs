using System.Text;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Gateway.Tests.Json;

/// <summary>The check of a JSON body against its request message, without a server: what proto3 JSON allows passes
/// (the bodies Google.Protobuf's own formatter writes, and the looser forms transcoding reads), what it refuses is named
/// by field path or position.</summary>
public sealed class JsonBodyCheckTests
{
    public static TheoryData<IMessage> WellFormed() => new()
    {
        new IntakeEvent
        {
            Source = "video",
            SourceEventId = "AL-1",
            MessageType = MessageType.Alert,
            Severity = Severity.High,
            Location = new Location { Latitude = 30.26, Longitude = 120.15, Address = "幸福路 12 号" },
            OccurredAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero)),
            Reporter = new Reporter { Name = "张三", Phone = "13812345678" },
            Video = new VideoAlert { CameraId = "CAM-1", AlarmType = "fire_smoke" },
            Attachments = { new Attachment { Name = "a.jpg", Data = ByteString.CopyFromUtf8("jpeg") }, new Attachment { Uri = "https://x.example/b.jpg" } },
        },
        new WorkOrder
        {
            WorkOrderNo = "GD-1",
            RequestText = "噪音扰民",
            Coordinates = new WorkOrderCoordinates { Latitude = 30.2, Longitude = 120.1 },
            TimeLimit = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero)),
            Urgency = WorkOrderUrgency.VeryUrgent,
        },
        new VideoAlarm { AlarmId = "AL-2", CameraId = "CAM-2", EventType = "illegal_parking", Confidence = 0.5, Latitude = 0, Status = AlertStatus.Exercise },
    };

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void Problem_WhatTheProtobufFormatterWrites_Passes(IMessage message)
    {
        var json = JsonFormatter.Default.Format(message);

        var problem = JsonBodyCheck.Problem(Encoding.UTF8.GetBytes(json), message.Descriptor);

        Assert.True(problem is null, $"{json}: {problem}");
    }

    [Theory]
    [InlineData("""{"source_event_id": "AL-1", "severity": 3, "location": {"latitude": "30.5", "longitude": null}}""")]
    [InlineData("""{"location": {"latitude": "NaN"}, "attachments": [null, {"name": "a"}], "occurredAt": null}""")]
    [InlineData("""{}""")]
    [InlineData("""{"source": "video", "platformExtra": {"any": ["thing"]}, "location": {"lat": "x"}}""")]
    public void Problem_LooserFormsProto3JsonAllowsAndUnknownFields_Pass(string json)
    {
        Assert.Null(JsonBodyCheck.Problem(Encoding.UTF8.GetBytes(json), IntakeEvent.Descriptor));
    }

    [Fact]
    public void Problem_AfterAUtf8ByteOrderMark_ChecksTheJson()
    {
        byte[] mark = [0xEF, 0xBB, 0xBF];

        byte[] good = [.. mark, .. """{"source": "video"}"""u8];
        byte[] bad = [.. mark, .. """{"source": 1}"""u8];

        Assert.Null(JsonBodyCheck.Problem(good, IntakeEvent.Descriptor));
        Assert.Equal("source: expected a string, got a number", JsonBodyCheck.Problem(bad, IntakeEvent.Descriptor));
    }

    [Theory]
    [InlineData("""{"source": "video",""", "body: invalid JSON at line 1, position 19")]
    [InlineData("{\n  \"source\": \"video\"\n  \"description\": \"x\"\n}", "body: invalid JSON at line 3, position 3")]
    [InlineData("""["video"]""", "body: expected a JSON object, got an array")]
    [InlineData("""{"source": ["video"]}""", "source: expected a string, got an array")]
    [InlineData("""{"severity": true}""", "severity: expected the name of a value, got true or false")]
    [InlineData("""{"location": {"latitude": "north"}}""", "location.latitude: expected a number, got a string")]
    [InlineData("""{"location": "幸福路"}""", "location: expected an object, got a string")]
    [InlineData("""{"attachments": {"name": "a"}}""", "attachments: expected an array, got an object")]
    [InlineData("""{"attachments": [{"name": "a"}, {"data": 12}]}""", "attachments[1].data: expected a string, got a number")]
    [InlineData("""{"occurred_at": 1764723600}""", "occurred_at: expected a string, got a number")]
    public void Problem_NotJsonOfTheMessage_NamesThePlace(string json, string expected)
    {
        Assert.Equal(expected, JsonBodyCheck.Problem(Encoding.UTF8.GetBytes(json), IntakeEvent.Descriptor));
    }

    [Fact]
    public void Problem_UnknownEnumName_NamesTheFieldTheValueAndEveryKnownName()
    {
        var problem = JsonBodyCheck.Problem("""{"severity": "SEVERITY_EXTREME"}"""u8.ToArray(), IntakeEvent.Descriptor);

        Assert.NotNull(problem);
        Assert.StartsWith("severity: unknown value 'SEVERITY_EXTREME' (one of ", problem, StringComparison.Ordinal);
        Assert.All(IntakeEvent.Descriptor.FindFieldByName("severity").EnumType.Values, value => Assert.Contains(value.Name, problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"version": "12"}""", null)]
    [InlineData("""{"version": 12}""", null)]
    [InlineData("""{"version": "twelve"}""", "version: expected an integer, got a string")]
    public void Problem_Int64_NumberOrDecimalStringPasses_OtherTextNamed(string json, string? expected)
    {
        Assert.Equal(expected, JsonBodyCheck.Problem(Encoding.UTF8.GetBytes(json), CityDocument.Descriptor));
    }
}
