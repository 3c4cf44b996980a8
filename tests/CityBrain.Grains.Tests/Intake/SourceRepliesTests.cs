using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Grains.Intake;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Grains.Tests.Intake;

public sealed class SourceRepliesTests
{
    private static readonly Timestamp At = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Plan_AcceptedHandledClosed_RepliesForAcceptAndCloseOnlyWithStableIds()
    {
        var state = new Incident { Id = "inc-1", SourceEventId = "GD-1", Reporter = new Reporter { Name = "张三", Phone = "13812345678" } };
        IncidentEvent[] events =
        [
            new() { At = At, Accepted = new Accepted() },
            new() { At = At, Handled = new Handled { DepartmentId = "d1", Result = "ignored here" } },
            new() { At = At, Closed = new Closed() },
        ];
        var handling = new[] { new Handled { Result = "已修复", PhotoUrls = { "https://p.example/1.jpg" } }, new Handled { Result = "" } };

        var replies = SourceReplies.Plan(state, events, 7, handling);

        Assert.Equal(["inc-1/7", "inc-1/9"], replies.Select(r => r.Id));
        var accepted = JsonDocument.Parse(replies[0].Payload).RootElement;
        var closed = JsonDocument.Parse(replies[1].Payload).RootElement;
        Assert.Equal(("status_update", "accepted", "受理", "GD-1", "2026-12-03T09:00:00.000Z"),
            (accepted.GetProperty("type").GetString(), accepted.GetProperty("status").GetString(), accepted.GetProperty("status_name").GetString(), accepted.GetProperty("work_order_no").GetString(), accepted.GetProperty("at").GetString()));
        Assert.Equal(("closing_reply", "办结", "已修复"), (closed.GetProperty("type").GetString(), closed.GetProperty("status_name").GetString(), closed.GetProperty("result").GetString()));
        Assert.Equal(["https://p.example/1.jpg"], closed.GetProperty("photo_urls").EnumerateArray().Select(p => p.GetString()));
        Assert.All(replies, r => Assert.DoesNotContain("13812345678", r.Payload, StringComparison.Ordinal));
        Assert.Contains("受理", replies[0].Payload, StringComparison.Ordinal); // not \u-escaped
    }
}
