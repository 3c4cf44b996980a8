using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>The Query service over the real server: incidents with their journal, filtered and paged lists narrowed
/// by the caller's role, department consoles and the evaluation.</summary>
[Collection(GatewayCollection.Name)]
public sealed class QueryTests(GatewayServer server)
{
    private readonly ApiClients _dispatcher = server.For(Who.Dispatcher());

    [Fact]
    public async Task GetIncident_JournalPaged_ContinuesAfterTheLastSequence()
    {
        var id = await NewIncidentAsync(Events.Source("journal"));
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id });

        var first = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, JournalMaxEntries = 2 });
        var rest = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, JournalAfterSequence = first.Journal.NextSequence });

        Assert.Equal(IncidentStatus.Assigned, first.Incident.Status);
        Assert.Equal([1L, 2L], first.Journal.Entries.Select(e => e.Sequence));
        Assert.Equal([3L], rest.Journal.Entries.Select(e => e.Sequence));
        Assert.NotNull(rest.Journal.Entries[0].Event.Assigned);
    }

    [Fact]
    public async Task ListIncidents_PagedBySource_EveryIncidentOnceAndPagesAtMostTheirSize()
    {
        var source = Events.Source("list");
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await NewIncidentAsync(source));
        }

        var listed = new List<string>();
        var query = new IncidentListQuery { Source = source, PageSize = 3 };
        do
        {
            var page = await server.For(Who.Viewer).Query.ListIncidentsAsync(query);
            Assert.True(page.Incidents.Count <= 3);
            listed.AddRange(page.Incidents.Select(i => i.Id));
            query.PageToken = page.NextPageToken;
        }
        while (query.PageToken.Length > 0);

        Assert.Equal(ids.Order(), listed.Order());
    }

    [Fact]
    public async Task ListIncidents_DispatcherWithJurisdiction_SeesOnlyItsArea()
    {
        var source = Events.Source("area");
        var inside = await NewIncidentAsync(source, "g001");
        var outside = await NewIncidentAsync(source, "g050");

        var c01 = await ListAllAsync(server.For(Who.Dispatcher("c01")), new IncidentListQuery { Source = source });
        var city = await ListAllAsync(server.For(Who.Dispatcher()), new IncidentListQuery { Source = source });
        var filtered = await ListAllAsync(server.For(Who.Viewer), new IncidentListQuery { Source = source, AreaId = "c10" });

        Assert.Equal([inside], c01.Select(i => i.Id));
        Assert.Equal(new[] { inside, outside }.Order(), city.Select(i => i.Id).Order());
        Assert.Equal([outside], filtered.Select(i => i.Id));
    }

    [Fact]
    public async Task ListIncidents_ByStatusAndDepartment_Filters()
    {
        var source = Events.Source("status");
        var reported = await NewIncidentAsync(source);
        var assigned = await NewIncidentAsync(source);
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = assigned });
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = assigned, DepartmentId = "sanitation" });

        var byStatus = await ListAllAsync(server.For(Who.Viewer), new IncidentListQuery { Source = source, Statuses = { IncidentStatus.Reported } });
        var sanitation = await ListAllAsync(server.For(Who.Department("sanitation")), new IncidentListQuery { Source = source });

        Assert.Equal([reported], byStatus.Select(i => i.Id));
        Assert.Equal([assigned], sanitation.Select(i => i.Id));
        Assert.Equal(["sanitation"], sanitation[0].DepartmentIds);
    }

    [Theory]
    [InlineData("2026-13-01", "", "", "from_day")]
    [InlineData("2026-01-01", "2026-03-01", "", "to_day: more than 31 days")]
    [InlineData("2026-01-02", "2026-01-01", "", "to_day: before from_day")]
    [InlineData("", "", "bm9wZQ==", "page_token")]
    public async Task ListIncidents_BadQuery_InvalidArgumentNamingTheField(string from, string to, string token, string expected)
    {
        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () =>
            server.For(Who.Viewer).Query.ListIncidentsAsync(new IncidentListQuery { FromDay = from, ToDay = to, PageToken = token }));

        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAssignments_Department_ReadsItsOwnConsole()
    {
        var id = await NewIncidentAsync(Events.Source("console"));
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "landscape" });
        await server.ViewsCaughtUpAsync();

        var own = await server.For(Who.Department("landscape")).Query.ListAssignmentsAsync(new ListAssignmentsRequest());
        var viewed = await server.For(Who.Viewer).Query.ListAssignmentsAsync(new ListAssignmentsRequest { DepartmentId = "landscape" });

        Assert.Contains(own.Open, n => n.IncidentId == id && n.Open);
        Assert.Equal(own.Open.Count, viewed.Open.Count);
        await Expect.StatusAsync(StatusCode.NotFound, () => server.For(Who.Viewer).Query.ListAssignmentsAsync(new ListAssignmentsRequest { DepartmentId = "no-such-department" }));
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => server.For(Who.Viewer).Query.ListAssignmentsAsync(new ListAssignmentsRequest()));
    }

    [Fact]
    public async Task GetEvaluation_Today_CountsRealIncidents()
    {
        var today = server.Clock.GetUtcNow().ToOffset(server.City.UtcOffset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var query = new EvaluationQuery { Period = EvaluationPeriod.Day, Date = today, Scope = EvaluationScope.Grid };
        var before = await server.For(Who.Viewer).Query.GetEvaluationAsync(query);

        await NewIncidentAsync(Events.Source("evaluation"));
        var report = await server.For(Who.Viewer).Query.GetEvaluationAsync(query);

        Assert.Equal(before.Total.Incidents + 1, report.Total.Incidents);
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => server.For(Who.Viewer).Query.GetEvaluationAsync(new EvaluationQuery { Period = EvaluationPeriod.Day, Date = "yesterday" }));
    }

    [Fact]
    public async Task GetEvaluation_AssignmentReturned_LowersTheDispatchersAccuracyAndIsNoArrival()
    {
        var dispatcher = server.For(Who.Dispatcher("g017")); // no other test dispatches in g017
        var source = Events.Source("returns");
        var ids = new[] { await NewIncidentAsync(source, "g017"), await NewIncidentAsync(source, "g017") };
        foreach (var id in ids)
        {
            await dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
            await dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "police" });
        }

        var returned = await server.For(Who.Department("police")).Dispatch.ReturnAssignmentAsync(new DepartmentAction { IncidentId = ids[1], Reason = "not a police matter" });

        var onSite = returned.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);
        Assert.Equal((SlaOutcome.Returned, false), (onSite.Outcome, onSite.Met));
        var today = server.Clock.GetUtcNow().ToOffset(server.City.UtcOffset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var report = await server.For(Who.Viewer).Query.GetEvaluationAsync(new EvaluationQuery { Period = EvaluationPeriod.Day, Date = today });
        foreach (var (scope, id) in new[] { (EvaluationScope.Dispatcher, "dispatcher-g017"), (EvaluationScope.Level, "grid/g017") })
        {
            var row = report.Rows.Single(r => r.Scope == scope && r.Id == id);
            Assert.Equal(((1, 2), (1, 2)), ((row.DispatchAccuracy.Numerator, row.DispatchAccuracy.Denominator), (row.Returned.Numerator, row.Returned.Denominator)));
        }
    }

    [Fact]
    public async Task ListIncidents_NewIncidentsWhilePaging_NoneRepeatedNoneSkipped()
    {
        var source = Events.Source("paging");
        var first = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            first.Add(await NewIncidentAsync(source));
        }

        var seen = new List<string>();
        var later = new List<string>();
        var query = new IncidentListQuery { Source = source, PageSize = 2 };
        var pages = 0;
        do
        {
            var page = await server.For(Who.Viewer).Query.ListIncidentsAsync(query);
            seen.AddRange(page.Incidents.Select(i => i.Id));
            query.PageToken = page.NextPageToken;

            // Reported between pages: a list by offset over a re-sorted set would shift and repeat or skip items.
            later.Add(await NewIncidentAsync(source));
            Assert.True(++pages < 20, "the paging does not end");
        }
        while (query.PageToken.Length > 0);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(first, seen.Take(first.Count)); // in report order
        Assert.All(seen, id => Assert.Contains(id, first.Concat(later)));
        Assert.Equal(first.Count + later.Count - 1, seen.Count); // all but the one reported after the last page
    }

    private async Task<string> NewIncidentAsync(string source, string grid = "g001") =>
        (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source, grid) })).IncidentId;

    private static async Task<List<IncidentSummary>> ListAllAsync(ApiClients api, IncidentListQuery query)
    {
        var all = new List<IncidentSummary>();
        do
        {
            var page = await api.Query.ListIncidentsAsync(query);
            all.AddRange(page.Incidents);
            query.PageToken = page.NextPageToken;
        }
        while (query.PageToken.Length > 0);

        return all;
    }
}
