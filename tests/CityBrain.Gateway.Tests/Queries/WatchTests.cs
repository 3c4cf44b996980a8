using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>WatchIncidents over the real server: live changes from now, a resume from the last position with no gap
/// and no repeat, and the caller's role narrowing what it sees.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WatchTests(GatewayServer server)
{
    [Fact]
    public async Task Watch_FromNow_SeesAChangeCommittedAfterItCaughtUp()
    {
        var source = Events.Source("watch");
        using var watch = Start(Who.Viewer, new IncidentWatchQuery { FromNow = true });
        var first = await NextAsync(watch);
        Assert.True(first.CaughtUp);

        var ack = await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) });

        var change = await UntilAsync(watch, c => c.IncidentId == ack.IncidentId);
        Assert.Equal(IncidentStatus.Reported, change.Status);
        Assert.Equal(IncidentEvent.KindOneofCase.Reported, Assert.Single(change.Events).KindCase);
        Assert.Equal("g001", change.GridId);
        Assert.True(change.Position > first.Position);
    }

    [Fact]
    public async Task Watch_ResumedAfterTheLastPosition_NoGapNoRepeat()
    {
        var source = Events.Source("resume");
        var feed = server.For(Who.Feed(source));
        long position;
        string firstId;
        using (var watch = Start(Who.Viewer, new IncidentWatchQuery { FromNow = true }))
        {
            await NextAsync(watch);
            firstId = (await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
            position = (await UntilAsync(watch, c => c.IncidentId == firstId)).Position;
        }

        // Disconnected: three more changes happen meanwhile.
        var missed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add((await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId);
        }

        using var resumed = Start(Who.Viewer, new IncidentWatchQuery { AfterPosition = position });
        var seen = new List<IncidentChange>();
        while (seen.Count(c => c.Source == source) < 3)
        {
            seen.AddRange((await NextAsync(resumed)).Changes);
        }

        var mine = seen.Where(c => c.Source == source).ToList();
        Assert.Equal(missed, mine.Select(c => c.IncidentId));
        Assert.DoesNotContain(seen, c => c.IncidentId == firstId);
        Assert.All(seen, c => Assert.True(c.Position > position));
        Assert.Equal(seen.Select(c => c.Position).Order(), seen.Select(c => c.Position));
    }

    [Fact]
    public async Task Watch_Department_SeesOnlyIncidentsItIsAssignedTo()
    {
        var dispatcher = server.For(Who.Dispatcher());
        var source = Events.Source("dept-watch");
        var feed = server.For(Who.Feed(source));
        using var watch = Start(Who.Department("municipal"), new IncidentWatchQuery { FromNow = true });
        await NextAsync(watch);

        var other = (await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
        await dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = other });
        await dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = other, DepartmentId = "sanitation" });
        var mine = (await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
        await dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = mine });
        await dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = mine, DepartmentId = "municipal" });

        var seen = new List<IncidentChange>();
        while (!seen.Any(c => c.IncidentId == mine))
        {
            seen.AddRange((await NextAsync(watch)).Changes);
        }

        Assert.All(seen, c => Assert.Contains("municipal", c.DepartmentIds));
        Assert.DoesNotContain(seen, c => c.IncidentId == other);
    }

    [Fact]
    public async Task Watch_DispatcherFilteredByStatus_OnlyMatchingChanges()
    {
        var source = Events.Source("status-watch");
        using var watch = Start(Who.Dispatcher("c01"), new IncidentWatchQuery { FromNow = true, Statuses = { IncidentStatus.Accepted } });
        await NextAsync(watch);

        var id = (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
        await server.For(Who.Dispatcher()).Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });

        var seen = new List<IncidentChange>();
        while (!seen.Any(c => c.IncidentId == id))
        {
            seen.AddRange((await NextAsync(watch)).Changes);
        }

        Assert.All(seen, c => Assert.Equal(IncidentStatus.Accepted, c.Status));
    }

    [Fact]
    public async Task Watch_NegativePosition_InvalidArgument()
    {
        using var watch = Start(Who.Viewer, new IncidentWatchQuery { AfterPosition = -1 });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await watch.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("after_position", error.Status.Detail, StringComparison.Ordinal);
    }

    private AsyncServerStreamingCall<IncidentChangeBatch> Start(Actor caller, IncidentWatchQuery query) =>
        server.For(caller).Query.WatchIncidents(query, deadline: DateTime.UtcNow.AddMinutes(2));

    private static async Task<IncidentChangeBatch> NextAsync(AsyncServerStreamingCall<IncidentChangeBatch> watch)
    {
        Assert.True(await watch.ResponseStream.MoveNext(), "the watch ended");
        return watch.ResponseStream.Current;
    }

    private static async Task<IncidentChange> UntilAsync(AsyncServerStreamingCall<IncidentChangeBatch> watch, Func<IncidentChange, bool> match)
    {
        while (true)
        {
            var batch = await NextAsync(watch);
            if (batch.Changes.FirstOrDefault(match) is { } found)
            {
                return found;
            }
        }
    }
}
