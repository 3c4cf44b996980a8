using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.Incidents;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Intake;

/// <summary>EventIntake.SubmitStream over the real server: one ack per event, matched by sequence (acks may come in
/// another order), each only after the event is stored; a refused event gets an error ack and the stream goes on.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SubmitStreamTests(GatewayServer server)
{
    [Fact]
    public async Task SubmitStream_ThousandEvents_OneAckEachAfterItIsStored()
    {
        var source = Events.Source("stream");
        var api = server.For(Who.Feed(source));
        var events = Enumerable.Range(1, 1000).Select(i => new StreamEvent { Sequence = (ulong)i, Event = Events.Alert(server, source, $"g{1 + (i % 170):D3}") }).ToList();

        var acks = await RunAsync(api, events);

        Assert.Equal(1000, acks.Count);
        Assert.Equal(events.Select(e => e.Sequence).Order(), acks.Keys.Order());
        foreach (var e in events)
        {
            var ack = acks[e.Sequence];
            Assert.Equal(e.Event.SourceEventId, ack.SourceEventId);
            Assert.Equal(StreamAck.ResultOneofCase.Ack, ack.ResultCase);
            Assert.Equal(IncidentIds.For(source, e.Event.SourceEventId), ack.Ack.IncidentId);
            Assert.Equal(IntakeOutcome.Created, ack.Ack.Outcome);
        }

        // Acked means stored: every incident is there, each with its one journal entry.
        var reader = server.Grains;
        var incidents = await Task.WhenAll(acks.Values.Take(100).Select(a => reader.GetGrain<IIncidentGrain>(a.Ack.IncidentId).Get(Who.Admin)));
        Assert.All(incidents, i => Assert.Equal(1, i.Version));
    }

    [Fact]
    public async Task SubmitStream_SomeEventsMalformedOrForeign_ThoseGetErrorAcksTheRestAreStored()
    {
        var source = Events.Source("mixed");
        var api = server.For(Who.Feed(source));
        var events = new List<StreamEvent>();
        for (var i = 1; i <= 60; i++)
        {
            var e = Events.Alert(server, source);
            switch (i % 3)
            {
                case 1:
                    e.Location.Latitude = 123;
                    break;
                case 2:
                    e.Source = Events.Source("foreign");
                    break;
            }

            events.Add(new StreamEvent { Sequence = (ulong)i, Event = e });
        }

        var tail = await server.FeedTailAsync();
        var acks = await RunAsync(api, events);

        Assert.Equal(60, acks.Count);
        foreach (var e in events)
        {
            var ack = acks[e.Sequence];
            switch (e.Sequence % 3)
            {
                case 1:
                    Assert.Equal((int)StatusCode.InvalidArgument, ack.Error.Code);
                    Assert.Contains("location.latitude: out of range", ack.Error.Message, StringComparison.Ordinal);
                    break;
                case 2:
                    Assert.Equal((int)StatusCode.PermissionDenied, ack.Error.Code);
                    break;
                default:
                    Assert.Equal(IntakeOutcome.Created, ack.Ack.Outcome);
                    break;
            }
        }

        // Exactly the 20 good events were written: one feed entry each.
        var changes = await WatchFromAsync(tail, 20);
        Assert.Equal(events.Where(e => e.Sequence % 3 == 0).Select(e => IncidentIds.For(source, e.Event.SourceEventId)).Order(), changes.Select(c => c.IncidentId).Order());
        Assert.Equal(changes[^1].Position, await server.FeedTailAsync());
    }

    [Fact]
    public async Task SubmitStream_EventMissing_ErrorAckNamingTheField()
    {
        var api = server.For(Who.Feed(Events.Source("empty")));

        var acks = await RunAsync(api, [new StreamEvent { Sequence = 7 }]);

        Assert.Equal((int)StatusCode.InvalidArgument, acks[7].Error.Code);
        Assert.Equal("event: required", acks[7].Error.Message);
    }

    [Fact]
    public async Task SubmitStream_RetriedEvents_AckedAsExisting()
    {
        var source = Events.Source("stream-retry");
        var api = server.For(Who.Feed(source));
        var events = Enumerable.Range(1, 50).Select(i => new StreamEvent { Sequence = (ulong)i, Event = Events.Alert(server, source) }).ToList();
        var first = await RunAsync(api, events);

        var again = await RunAsync(api, events);

        Assert.Equal(50, first.Count);
        Assert.All(first.Values, a => Assert.Equal(IntakeOutcome.Created, a.Ack.Outcome));
        Assert.Equal(50, again.Count);
        Assert.All(again.Values, a => Assert.Equal(IntakeOutcome.Existing, a.Ack.Outcome));
        Assert.All(events, e => Assert.Equal(first[e.Sequence].Ack.IncidentId, again[e.Sequence].Ack.IncidentId));
    }

    [Fact]
    public async Task SubmitStream_ViewerToken_PermissionDeniedBeforeAnyEvent()
    {
        var api = server.For(Who.Viewer);

        var error = await Assert.ThrowsAsync<RpcException>(() => RunAsync(api, [new StreamEvent { Sequence = 1, Event = Events.Alert(server, "x") }]));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    /// <summary>Writes every event while reading acks concurrently; returns the acks by sequence.</summary>
    internal static async Task<Dictionary<ulong, StreamAck>> RunAsync(ApiClients api, IReadOnlyList<StreamEvent> events)
    {
        using var call = api.Intake.SubmitStream(deadline: DateTime.UtcNow.AddMinutes(2));
        var reading = Task.Run(async () =>
        {
            var acks = new Dictionary<ulong, StreamAck>();
            while (await call.ResponseStream.MoveNext())
            {
                var ack = call.ResponseStream.Current;
                Assert.True(acks.TryAdd(ack.Sequence, ack), $"second ack for {ack.Sequence}");
            }

            return acks;
        });
        try
        {
            foreach (var e in events)
            {
                await call.RequestStream.WriteAsync(e);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call (e.g. refused it): its status comes with the responses.
        }

        return await reading;
    }

    private async Task<List<IncidentChange>> WatchFromAsync(long after, int count)
    {
        using var call = server.For(Who.Admin).Query.WatchIncidents(new IncidentWatchQuery { AfterPosition = after }, deadline: DateTime.UtcNow.AddMinutes(1));
        var changes = new List<IncidentChange>();
        while (changes.Count < count && await call.ResponseStream.MoveNext())
        {
            changes.AddRange(call.ResponseStream.Current.Changes);
        }

        return changes;
    }
}
