using System.Diagnostics;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.City;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Errors;

/// <summary>The database goes away under the running server: every call that needs it answers UNAVAILABLE (retry) — the
/// journal store's own failures as well as those of Orleans' ADO.NET grain state — never INTERNAL; calls that need no
/// database go on; once the database is back, a retried event is stored once and nothing acknowledged was lost.</summary>
public sealed class OutageTests(OutageServer server) : IClassFixture<OutageServer>
{
    [Fact]
    public async Task Calls_DatabaseDown_UnavailableThenServedOnceItIsBack()
    {
        var source = Events.Source("outage");
        var feed = server.For(Who.Feed(source));
        var admin = server.For(Who.Admin);
        var acked = (await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;
        var retried = Events.Alert(server, source);

        await server.Postgres!.StopAsync();

        // The journal store (intake, a journal read, the day index) and Orleans' grain state (a drill, a department
        // queue, the city, the boards, read or written by grains activated now).
        await Expect.StatusAsync(StatusCode.Unavailable, () => feed.Intake.SubmitAsync(new SubmitRequest { Event = retried }));
        await Expect.StatusAsync(StatusCode.Unavailable, () => admin.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = acked }));
        await Expect.StatusAsync(StatusCode.Unavailable, () => admin.Query.ListIncidentsAsync(new IncidentListQuery { Source = source }));
        await Expect.StatusAsync(StatusCode.Unavailable, () => admin.Drills.GetDrillStatusAsync(new DrillRef { DrillId = "outage-drill" }));
        await Expect.StatusAsync(StatusCode.Unavailable, () => admin.Query.ListAssignmentsAsync(new ListAssignmentsRequest { DepartmentId = "police" }));
        await Expect.StatusAsync(StatusCode.Unavailable, () => admin.Query.GetSlaBoardAsync(new SlaBoardQuery()));
        var renamed = CityLoader.DemoCityText().Replace("name: 示范市", "name: 示范市（停机）", StringComparison.Ordinal);
        await Expect.StatusAsync(StatusCode.Unavailable, () => admin.Admin.LoadCityAsync(new LoadCityRequest { Text = renamed, FileName = "city.yaml" }));
        Assert.NotNull(await feed.Intake.PingAsync(new PingRequest()));

        await server.Postgres.StartAsync();

        var ack = await UntilAvailableAsync(() => feed.Intake.SubmitAsync(new SubmitRequest { Event = retried }).ResponseAsync);
        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
        var again = await feed.Intake.SubmitAsync(new SubmitRequest { Event = retried });
        Assert.Equal((ack.IncidentId, IntakeOutcome.Existing), (again.IncidentId, again.Outcome));
        var listed = await UntilAvailableAsync(() => admin.Query.ListIncidentsAsync(new IncidentListQuery { Source = source }).ResponseAsync);
        Assert.Equal(new[] { acked, ack.IncidentId }.Order(), listed.Incidents.Select(i => i.Id).Order());
        var incident = await UntilAvailableAsync(() => admin.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = acked }).ResponseAsync);
        Assert.Equal(IncidentStatus.Reported, incident.Incident.Status);
        await UntilAvailableAsync(() => admin.Query.ListAssignmentsAsync(new ListAssignmentsRequest { DepartmentId = "police" }).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => UntilAvailableAsync(() => admin.Drills.GetDrillStatusAsync(new DrillRef { DrillId = "outage-drill" }).ResponseAsync));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Retries the call while it answers UNAVAILABLE: the store fails fast for a moment after a failure, and
    /// pooled connections to the stopped server fail once each.</summary>
    private static async Task<T> UntilAvailableAsync<T>(Func<Task<T>> call)
    {
        var within = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable && within.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));   // a client's retry backoff, not a wait for a signal
            }
        }
    }
}
