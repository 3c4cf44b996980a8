using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Open311;

/// <summary>
/// A feed reads (never changes) what it submitted — the 12345 hotline's callback 回访 and Open311's GET requests: its own
/// source's incidents by id and in lists, personal information masked as for every role but dispatcher and admin;
/// another source's incident is refused, and it may change nothing it could not change before.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class FeedReadTests(GatewayServer server)
{
    [Fact]
    public async Task Feed_ReadsItsOwnIncidents_ByIdAndInTheList_ReporterMasked()
    {
        var source = Events.Source("feed-read");
        var feed = server.For(Who.Feed(source));
        var reported = Events.Alert(server, source);
        reported.Reporter = new Reporter { Name = "李四", Phone = "13912345678", Email = "lisi@example.com" };
        var mine = (await feed.Intake.SubmitAsync(new SubmitRequest { Event = reported })).IncidentId;
        var theirs = await SubmitAsync(Events.Source("feed-other"));
        await server.For(Who.Dispatcher()).Dispatch.AcceptAsync(new IncidentAction { IncidentId = mine });

        var detail = await feed.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = mine });
        var list = await feed.Query.ListIncidentsAsync(new IncidentListQuery());
        var listBySource = await feed.Query.ListIncidentsAsync(new IncidentListQuery { Source = source });

        Assert.Equal((mine, IncidentStatus.Accepted), (detail.Incident.Id, detail.Incident.Status));
        Assert.Equal(("李*", "139****5678", "l***@example.com"), (detail.Incident.Reporter.Name, detail.Incident.Reporter.Phone, detail.Incident.Reporter.Email));
        Assert.Equal("139****5678", detail.Journal.Entries[0].Event.Reported.Seed.Reporter.Phone);
        Assert.NotNull(detail.Journal.Entries[1].Event.Accepted);
        Assert.Equal([mine], list.Incidents.Select(i => i.Id));
        Assert.DoesNotContain(theirs, list.Incidents.Select(i => i.Id));
        Assert.Equal([mine], listBySource.Incidents.Select(i => i.Id));
    }

    [Fact]
    public async Task Feed_AnotherSourcesIncident_Refused()
    {
        var source = Events.Source("feed-a");
        var other = Events.Source("feed-b");
        var theirs = await SubmitAsync(other);
        var feed = server.For(Who.Feed(source));

        var read = await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = theirs }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Query.ListIncidentsAsync(new IncidentListQuery { Source = other }));
        await Expect.StatusAsync(StatusCode.NotFound, () => feed.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = "inc-aaaaaaaaaaaaaaaaaaaa" }));

        Assert.Contains("not among the caller's incidents", read.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_ChangesNothingItCouldNotBefore_AndStillWatchesNothing()
    {
        var source = Events.Source("feed-change");
        var mine = await SubmitAsync(source);
        var theirs = await SubmitAsync(Events.Source("feed-change-other"));
        var feed = server.For(Who.Feed(source));
        var before = await server.FeedTailAsync();

        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Dispatch.AcceptAsync(new IncidentAction { IncidentId = mine }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Dispatch.RejectAsync(new IncidentAction { IncidentId = mine }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Dispatch.AssignAsync(new AssignRequest { IncidentId = mine, DepartmentId = "sanitation" }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Dispatch.CloseAsync(new IncidentAction { IncidentId = mine }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Dispatch.EscalateAsync(new IncidentAction { IncidentId = mine, Reason = "urgent" }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => feed.Dispatch.ReopenAsync(new IncidentAction { IncidentId = theirs }));
        using var watch = feed.Query.WatchIncidents(new IncidentWatchQuery { FromNow = true });
        await Expect.StatusAsync(StatusCode.PermissionDenied, async () => await watch.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(before, await server.FeedTailAsync());
        Assert.Equal(IncidentStatus.Reported, (await feed.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = mine, OmitJournal = true })).Incident.Status);
    }

    [Theory]
    [InlineData("Accept")]
    [InlineData("Assign")]
    [InlineData("Close")]
    [InlineData("WatchIncidents")]
    [InlineData("GetSlaBoard")]
    public void RolePolicy_FeedReadsButNeverActs(string method)
    {
        var full = AnyCall.ApiMethods.Single(m => m.Name == method).FullName;

        Assert.False(RolePolicy.Allows(full, Role.Feed));
        Assert.True(RolePolicy.Allows("/citybrain.v1.Query/GetIncident", Role.Feed));
        Assert.True(RolePolicy.Allows("/citybrain.v1.Query/ListIncidents", Role.Feed));
    }

    [Theory]
    [InlineData("zhangsan@example.com", "z***@example.com")]
    [InlineData("a@b.cn", "a***@b.cn")]
    [InlineData("no-at-sign", "n*********")]
    [InlineData("", "")]
    public void MaskEmail_KeepsTheFirstCharacterAndTheDomain(string email, string masked) =>
        Assert.Equal(masked, PersonalData.MaskEmail(email));

    private async Task<string> SubmitAsync(string source) =>
        (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
}
