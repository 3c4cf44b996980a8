using CityBrain.Contracts;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Evaluation;

/// <summary>Issue 12 against a running silo: a returned assignment 退单 is not an on-site arrival, in the evaluation,
/// in the drill report, and in incidents stored before the SLA engine recorded outcomes.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class ReturnedAssignmentTests(DatabaseFixture database)
{
    private static readonly TimeSpan M = TimeSpan.FromMinutes(1);
    private static readonly EvaluationQuery Day = new() { Period = EvaluationPeriod.Day, Date = "2026-11-21" };
    private readonly FakeTimeProvider _clock = new(Story.Start);

    [Fact]
    public async Task GetEvaluation_PoliceReturnedOneOfFive_ArrivalThreeOfFour_AndTheDrillReportAgrees()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            var id = (await silo.SubmitAsync(Events.Alert("12345", $"police-{i}"))).IncidentId;
            await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
            ids.Add(id);
        }

        await silo.AdvanceAsync(M);
        foreach (var id in ids)
        {
            await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "police" });
        }

        // Dispatched at 1 min: returned at 6; on site at 11, 16 and 20 (in time), and at 26 (late).
        await silo.AdvanceAsync(5 * M);
        await silo.ActAsync(ids[4], Who.Department("police"), c => c.ReturnAssignment = new ReturnAction(), "not a police matter");
        foreach (var (index, wait) in new[] { (0, 5), (1, 5), (2, 4), (3, 6) })
        {
            await silo.AdvanceAsync(wait * M);
            await silo.ActAsync(ids[index], Who.Department("police"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        }

        var report = await silo.Evaluation.ComputeAsync(Who.Viewer, Day);

        var police = report.Rows.Single(r => r.Scope == EvaluationScope.Department && r.Id == "police");
        Assert.Equal((3, 4), (police.OnTimeArrival.Numerator, police.OnTimeArrival.Denominator));
        Assert.Equal((1, 5), (police.Returned.Numerator, police.Returned.Denominator));
        var level = report.Rows.Single(r => r.Scope == EvaluationScope.Level && r.Id == "street/st-01");
        Assert.Equal((4, 5), (level.DispatchAccuracy.Numerator, level.DispatchAccuracy.Denominator));
        var incidents = new List<(string, Incident)>();
        foreach (var id in ids)
        {
            incidents.Add((id, await silo.Incident(id).Get(Who.Admin)));
        }

        var drill = DrillReportBuilder.Build(incidents, _clock.GetUtcNow());
        Assert.Equal((3, 1, 1), (drill.DepartmentsOnTime, drill.DepartmentsLate, drill.DepartmentsReturned));
        Assert.Equal(SlaOutcome.Returned, drill.Results.Single(r => r.IncidentId == ids[4]).ArriveOutcome);
    }

    [Fact]
    public async Task Activation_SnapshotOfOlderFoldRules_IsRebuiltFromTheJournal()
    {
        var connection = await database.NewDatabaseAsync(DatabaseKind.Sqlite);
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, connection, _clock);
        var id = (await silo.SubmitAsync(Events.Alert("12345", "stored-before"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "police" });
        await silo.AdvanceAsync(5 * M);
        var current = await silo.ActAsync(id, Who.Department("police"), c => c.ReturnAssignment = new ReturnAction(), "not ours");

        // A snapshot of the current rules is used as stored...
        var marked = current.Clone();
        marked.Description = "as the snapshot says";
        await StoreSnapshotAsync(connection, marked);
        await silo.DeactivateAsync(silo.Incident(id));
        Assert.Equal("as the snapshot says", (await silo.Incident(id).Get(Who.Admin)).Description);

        // ...one written by the rules before SLA outcomes (the returned clock stored as met, no dispatcher) is not.
        var legacy = marked.Clone();
        legacy.FoldVersion = 0;
        var legacyClock = legacy.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);
        (legacyClock.Outcome, legacyClock.Met) = (SlaOutcome.Unspecified, true);
        (legacy.Assignments[0].DispatchedBy, legacy.Assignments[0].DispatchLevel) = (string.Empty, string.Empty);
        await StoreSnapshotAsync(connection, legacy);
        await silo.DeactivateAsync(silo.Incident(id));

        var rebuilt = await silo.Incident(id).Get(Who.Admin);
        Assert.Equal(current, rebuilt);
        var report = await silo.Evaluation.ComputeAsync(Who.Viewer, new EvaluationQuery { Period = Day.Period, Date = Day.Date, Scope = EvaluationScope.Department });
        var police = Assert.Single(report.Rows);
        Assert.Equal(((0, 0), (1, 1)), ((police.OnTimeArrival.Numerator, police.OnTimeArrival.Denominator), (police.Returned.Numerator, police.Returned.Denominator)));
    }

    /// <summary>Writes the incident's snapshot as the journal store does (protobuf, schema 1) at its current version.</summary>
    private static async Task StoreSnapshotAsync(string connectionString, Incident state)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO grain_snapshot (grain_type, grain_key, seq, schema_version, format, payload, created_at) "
            + "VALUES ('incident', $key, $seq, 1, 1, $payload, 0)";
        command.Parameters.AddWithValue("$key", state.Id);
        command.Parameters.AddWithValue("$seq", state.Version);
        command.Parameters.AddWithValue("$payload", state.ToByteArray());
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
