using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>GetSlaBoard: an incident near its deadline appears on its grid's board, after the breach on its community's
/// board; who sees it depends on the caller's jurisdiction.</summary>
public sealed class SlaBoardTests(SlaServer server) : IClassFixture<SlaServer>
{
    [Fact]
    public async Task SlaBoard_WarningThenBreach_PostedAtGridThenCommunityAndNarrowedByJurisdiction()
    {
        var source = Events.Source("sla");
        var id = (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source, "g001") })).IncidentId;
        // No deadline: the server measures deadlines on its clock, which this test moves by minutes.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var watch = server.For(Who.Admin).Query.WatchIncidents(new IncidentWatchQuery(), cancellationToken: cancel.Token);

        // The accept clock (10 min) warns at 80 %.
        await server.AdvanceClockAsync(TimeSpan.FromMinutes(8) + TimeSpan.FromSeconds(1));
        await SettledAsync(watch, id, e => e.SlaWarned is not null);

        var warned = await server.For(Who.Viewer).Query.GetSlaBoardAsync(new SlaBoardQuery());
        var item = Assert.Single(warned.Items, i => i.Entry.IncidentId == id);
        Assert.Equal(BoardLevel.Grid, item.Level);
        Assert.Equal("g001", item.BoardId);
        Assert.False(item.Entry.Breached);
        Assert.Contains((await server.For(Who.Dispatcher("c01")).Query.GetSlaBoardAsync(new SlaBoardQuery())).Items, i => i.Entry.IncidentId == id);
        Assert.DoesNotContain((await server.For(Who.Dispatcher("c10")).Query.GetSlaBoardAsync(new SlaBoardQuery())).Items, i => i.Entry.IncidentId == id);
        Assert.DoesNotContain((await server.For(Who.Viewer).Query.GetSlaBoardAsync(new SlaBoardQuery { BreachedOnly = true })).Items, i => i.Entry.IncidentId == id);

        // At 100 % the breach escalates to the community.
        await server.AdvanceClockAsync(TimeSpan.FromMinutes(2));
        await SettledAsync(watch, id, e => e.Escalated is not null);

        var breached = await server.For(Who.Viewer).Query.GetSlaBoardAsync(new SlaBoardQuery { BreachedOnly = true, Level = BoardLevel.Community });
        var escalated = Assert.Single(breached.Items, i => i.Entry.IncidentId == id);
        Assert.Equal("c01", escalated.BoardId);
        Assert.DoesNotContain((await server.For(Who.Dispatcher("g001")).Query.GetSlaBoardAsync(new SlaBoardQuery { Level = BoardLevel.Community })).Items, i => i.Entry.IncidentId == id);
        Assert.DoesNotContain((await server.For(Who.Department("sanitation")).Query.GetSlaBoardAsync(new SlaBoardQuery())).Items, i => i.Entry.IncidentId == id);
    }

    /// <summary>Waits until the watch shows the incident's event (it is committed), then until the view projector has
    /// posted that transition's notices to the boards (they follow the feed shortly after the commit).</summary>
    private async Task SettledAsync(AsyncServerStreamingCall<IncidentChangeBatch> watch, string id, Func<IncidentEvent, bool> match)
    {
        while (await watch.ResponseStream.MoveNext())
        {
            if (watch.ResponseStream.Current.Changes.Any(c => c.IncidentId == id && c.Events.Any(match)))
            {
                await server.ViewsCaughtUpAsync();
                return;
            }
        }

        Assert.Fail("the watch ended");
    }
}
