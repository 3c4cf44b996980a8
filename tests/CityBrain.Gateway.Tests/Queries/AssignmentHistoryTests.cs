using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>ListAssignments with include_finished over the real server: a department's history (handled and closed,
/// returned) next to its open assignments, paged, as the caller may read it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AssignmentHistoryTests(GatewayServer server)
{
    private readonly ApiClients _dispatcher = server.For(Who.Dispatcher());

    [Fact]
    public async Task History_ListsClosedAndReturnedAssignments_NotTheOpenOne()
    {
        var department = server.For(Who.Department("municipal"));
        var closed = await AssignedAsync("municipal");
        await department.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = closed });
        await department.Dispatch.HandleAsync(new HandleRequest { IncidentId = closed, Result = "repaired" });
        await _dispatcher.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = closed, Passed = true });
        await _dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = closed });
        var returned = await AssignedAsync("municipal");
        await department.Dispatch.ReturnAssignmentAsync(new DepartmentAction { IncidentId = returned, Reason = "not ours" });
        var open = await AssignedAsync("municipal");
        await server.ViewsCaughtUpAsync();

        var finished = await AllFinishedAsync(department, new ListAssignmentsRequest { IncludeFinished = true, PageSize = 1 });
        var onlyOpen = await department.Query.ListAssignmentsAsync(new ListAssignmentsRequest());

        var closedRecord = Assert.Single(finished, r => r.IncidentId == closed);
        Assert.Equal((IncidentStatus.Closed, AssignmentStatus.Handled, "municipal"), (closedRecord.IncidentStatus, closedRecord.Assignment.Status, closedRecord.Assignment.DepartmentId));
        Assert.NotNull(closedRecord.Assignment.HandledAt);
        Assert.NotNull(closedRecord.ClosedAt);
        Assert.Equal("g001", closedRecord.GridId);
        var returnedRecord = Assert.Single(finished, r => r.IncidentId == returned);
        Assert.Equal(AssignmentStatus.Returned, returnedRecord.Assignment.Status);
        Assert.DoesNotContain(finished, r => r.IncidentId == open);
        Assert.Contains(onlyOpen.Open, n => n.IncidentId == open);
        Assert.Empty(onlyOpen.Finished);
        Assert.Equal("", onlyOpen.NextPageToken);
    }

    [Fact]
    public async Task History_OfAnotherDepartment_ReadByTheCenter_NotByAnotherDepartment()
    {
        var id = await AssignedAsync("utilities");
        await server.For(Who.Department("utilities")).Dispatch.ReturnAssignmentAsync(new DepartmentAction { IncidentId = id, Reason = "not ours" });

        var viewed = await AllFinishedAsync(server.For(Who.Viewer), new ListAssignmentsRequest { DepartmentId = "utilities", IncludeFinished = true });
        var outside = await AllFinishedAsync(server.For(Who.Dispatcher("c10")), new ListAssignmentsRequest { DepartmentId = "utilities", IncludeFinished = true });

        Assert.Contains(viewed, r => r.IncidentId == id);
        Assert.DoesNotContain(outside, r => r.IncidentId == id); // g001 is outside c10
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Department("police")).Query.ListAssignmentsAsync(
            new ListAssignmentsRequest { DepartmentId = "utilities", IncludeFinished = true }));
    }

    [Theory]
    [InlineData("2026-13-01", "", 0, "", "from_day")]
    [InlineData("2026-01-01", "2026-03-01", 0, "", "to_day: more than 31 days")]
    [InlineData("", "", 501, "", "page_size")]
    [InlineData("", "", 0, "bm9wZQ==", "page_token")]
    public async Task History_BadQuery_InvalidArgumentNamingTheField(string from, string to, int pageSize, string token, string expected)
    {
        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () => server.For(Who.Viewer).Query.ListAssignmentsAsync(
            new ListAssignmentsRequest { DepartmentId = "utilities", IncludeFinished = true, FromDay = from, ToDay = to, PageSize = pageSize, PageToken = token }));

        Assert.StartsWith(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    private Task<string> AssignedAsync(string department) => AssignedIncidents.ToAsync(server, department, "history");

    private static async Task<List<AssignmentRecord>> AllFinishedAsync(ApiClients api, ListAssignmentsRequest request)
    {
        var all = new List<AssignmentRecord>();
        var pages = 0;
        do
        {
            var page = await api.Query.ListAssignmentsAsync(request);
            all.AddRange(page.Finished);
            request.PageToken = page.NextPageToken;
            Assert.True(++pages < 10_000, "the paging does not end");
        }
        while (request.PageToken.Length > 0);

        return all;
    }
}
