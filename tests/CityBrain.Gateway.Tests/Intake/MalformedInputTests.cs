using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;
using Google.Protobuf;

namespace CityBrain.Gateway.Tests.Intake;

/// <summary>Bad input on purpose, in bulk: random mixes of valid and broken fields, over unary calls and a stream.
/// Nothing crashes, every answer is a precise refusal or a durable ack, and exactly the acked events were written.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MalformedInputTests(GatewayServer server)
{
    private static readonly string[] Defects =
    [
        "no-source", "no-id", "latitude", "longitude", "nan", "one-coordinate", "no-location", "category", "no-category",
        "description", "severity", "grid", "future", "id-control", "attachments-many", "attachment-big", "attachment-uri",
        "attachment-empty", "attachment-name", "foreign-source", "huge-id", "negative-time", "bad-message-type",
    ];

    [Fact]
    public async Task RandomlyBrokenEvents_RefusedPreciselyAndOnlyAckedOnesWritten()
    {
        var random = new Random(20261121);
        var source = Events.Source("fuzz");
        var api = server.For(Who.Feed(source));
        var tail = await server.FeedTailAsync();
        var created = 0;

        // Unary: 150 events, about two in three broken in one to three ways.
        for (var i = 0; i < 150; i++)
        {
            var e = Mutate(random, Events.Alert(server, source, $"g{1 + random.Next(170):D3}"), source);
            try
            {
                var ack = await api.Intake.SubmitAsync(new SubmitRequest { Event = e });
                Assert.Equal(IntakeOutcome.Created, ack.Outcome);
                created++;
            }
            catch (RpcException error)
            {
                Assert.True(error.StatusCode is StatusCode.InvalidArgument or StatusCode.PermissionDenied, $"{error.StatusCode}: {error.Status.Detail}");
                Assert.Matches(error.StatusCode == StatusCode.InvalidArgument ? "^[a-z_\\[\\]0-9.]+: |^\\d+ errors: " : "may not submit", error.Status.Detail);
            }
        }

        // Stream: 300 more, in one call.
        var stream = Enumerable.Range(1, 300)
            .Select(i => new StreamEvent { Sequence = (ulong)i, Event = Mutate(random, Events.Alert(server, source, $"g{1 + random.Next(170):D3}"), source) })
            .ToList();
        var acks = await SubmitStreamTests.RunAsync(api, stream);
        Assert.Equal(300, acks.Count);
        foreach (var ack in acks.Values)
        {
            if (ack.ResultCase == StreamAck.ResultOneofCase.Ack)
            {
                created++;
            }
            else
            {
                Assert.True(ack.Error.Code is (int)StatusCode.InvalidArgument or (int)StatusCode.PermissionDenied, $"{ack.Error.Code}: {ack.Error.Message}");
            }
        }

        // Exactly one incident-feed entry per created incident, and the server goes on serving.
        var written = 0;
        using (var watch = server.For(Who.Admin).Query.WatchIncidents(new IncidentWatchQuery { AfterPosition = tail }, deadline: DateTime.UtcNow.AddMinutes(1)))
        {
            while (await watch.ResponseStream.MoveNext())
            {
                written += watch.ResponseStream.Current.Changes.Count;
                if (watch.ResponseStream.Current.CaughtUp)
                {
                    break;
                }
            }
        }

        Assert.Equal(created, written);
        Assert.InRange(created, 50, 400);
        Assert.NotNull(await api.Intake.PingAsync(new PingRequest()));
    }

    [Fact]
    public async Task MessageOverTheSizeLimit_ResourceExhaustedAndNothingWritten()
    {
        var source = Events.Source("huge");
        var e = Events.Alert(server, source);
        e.Reporter = new Reporter { Name = new string('x', 5 * 1024 * 1024) };
        var tail = await server.FeedTailAsync();

        await Expect.StatusAsync(StatusCode.ResourceExhausted, () => server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = e }));

        Assert.Equal(tail, await server.FeedTailAsync());
    }

    private static IntakeEvent Mutate(Random random, IntakeEvent e, string source)
    {
        if (random.Next(3) == 0)
        {
            return e;
        }

        for (var n = 1 + random.Next(3); n > 0; n--)
        {
            var defect = Defects[random.Next(Defects.Length)];
            switch (defect)
            {
                case "foreign-source":
                    e.Source = source + "-other";
                    break;
                case "huge-id":
                    e.SourceEventId = new string('9', 129 + random.Next(1000));
                    break;
                case "negative-time":
                    e.OccurredAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = -99999999999, Nanos = -5 };
                    break;
                case "bad-message-type":
                    e.MessageType = (MessageType)(3 + random.Next(100));
                    break;
                case "no-location" or "one-coordinate" or "latitude" or "longitude" or "nan" or "grid" when e.Location is null:
                    break;
                default:
                    SubmitTests.Break(e, defect);
                    break;
            }
        }

        if (random.Next(4) == 0)
        {
            e.Description = string.Concat(Enumerable.Repeat("报告", random.Next(100)));
            e.Attachments.Add(new Attachment { Name = "p.jpg", Data = ByteString.CopyFrom(new byte[random.Next(1024)]) });
        }

        return e;
    }
}
