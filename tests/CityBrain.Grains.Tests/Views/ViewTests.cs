using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Grains.Views;
using CityBrain.Storage;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Views;

/// <summary>Department queues and supervision boards as views of the incident feed, kept by the view projector.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class ViewTests(DatabaseFixture database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    private async Task<TestSilo> StartAsync() =>
        await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);

    [Fact]
    public async Task Projector_Transitions_DepartmentQueueAndBoardFollowOnceCaughtUp()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "view-1"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        var dispatchedAt = _clock.GetUtcNow();
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });

        var queued = Assert.Single((await silo.AssignmentsAsync("sanitation")).Open);
        Assert.Equal((id, true, "11.01", false), (queued.IncidentId, queued.Open, queued.CategoryCode, queued.Exercise));
        Assert.Equal(dispatchedAt, queued.DispatchedAt.ToDateTimeOffset());
        Assert.Equal(dispatchedAt.AddMinutes(20), queued.OnSiteDueAt.ToDateTimeOffset());
        Assert.Empty((await silo.AssignmentsAsync("police")).Open);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(16)); // 80 % of the 20-minute on-site target
        await silo.WarnedAsync(id, SlaClockKind.OnSite, "sanitation");
        var posted = Assert.Single((await silo.BoardAsync<IGridGrain>("g001")).Entries);
        Assert.Equal((id, SlaClockKind.OnSite, "sanitation", false, 1), (posted.IncidentId, posted.Clock, posted.DepartmentId, posted.Breached, posted.Times));
        Assert.Empty((await silo.BoardAsync<ICommunityGrain>("c01")).Entries);

        await silo.ActAsync(id, Who.Department("sanitation"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        Assert.Empty((await silo.BoardAsync<IGridGrain>("g001")).Entries); // answered
        Assert.Single((await silo.AssignmentsAsync("sanitation")).Open); // on site: still the department's work

        await silo.ActAsync(id, Who.Department("sanitation"), c => c.Handle = new HandleAction { Result = "cleaned" });
        Assert.Empty((await silo.AssignmentsAsync("sanitation")).Open);
    }

    [Fact]
    public async Task Projector_DeactivatedWhileAViewHoldsItsDelivery_StopsAtOnceAndDeliversAgainAfterwards()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "view-2"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        var delivery = silo.Gates.Close(nameof(IDepartmentGrain.Apply), "sanitation");
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });
        await delivery.Reached.WaitAsync(TestSilo.Patience);

        // A silo that stops deactivates the projector while a view may not answer (it is deactivating too): the projector
        // must not wait for it until the deactivation timeout (30 s), the notices are delivered again on its next activation.
        await silo.DeactivateAsync(silo.Grains.GetGrain<IViewProjectorGrain>(ViewProjectorGrain.ShardOf(id))).WaitAsync(TimeSpan.FromSeconds(20));
        delivery.Open();

        var queued = Assert.Single((await silo.AssignmentsAsync("sanitation")).Open);
        Assert.Equal(id, queued.IncidentId);
        await silo.ActAsync(id, Who.Department("sanitation"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        await silo.ActAsync(id, Who.Department("sanitation"), c => c.Handle = new HandleAction { Result = "cleaned" });
        Assert.Empty((await silo.AssignmentsAsync("sanitation")).Open);
    }

    [Fact]
    public async Task Apply_DepartmentUpdateDeliveredTwice_ChangesNothing()
    {
        await using var silo = await StartAsync();
        var department = silo.Grains.GetGrain<IDepartmentGrain>("view-test-department");
        var first = Update(0, (5, Assignment("inc-a", open: true)), (6, Assignment("inc-b", open: true)));

        await department.Apply(first);
        await department.Apply(first);
        Assert.Equal(["inc-a", "inc-b"], await OpenAsync());

        // A redelivery overlapping new notices applies only those after the recorded position of the shard.
        await department.Apply(Update(0, (6, Assignment("inc-b", open: false)), (7, Assignment("inc-c", open: true))));
        Assert.Equal(["inc-a", "inc-b", "inc-c"], await OpenAsync());

        // Each projector shard has its own position: shard 1 at 3 is new although shard 0 is at 7.
        await department.Apply(Update(1, (3, Assignment("inc-a", open: false))));
        await department.Apply(Update(1, (2, Assignment("inc-d", open: true))));
        Assert.Equal(["inc-b", "inc-c"], await OpenAsync());

        async Task<List<string>> OpenAsync() =>
            (await department.GetAssignments()).Open.Select(a => a.IncidentId).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Apply_BoardPostDeliveredTwice_CountsItOnce()
    {
        await using var silo = await StartAsync();
        var board = silo.Grains.GetGrain<IGridGrain>("view-test-grid");
        var post = Update(0, (10, Post("inc-a", breached: false)));

        await board.Apply(post);
        await board.Apply(post);
        Assert.Equal(1, Assert.Single((await board.GetBoard()).Entries).Times);

        await board.Apply(Update(0, (11, Post("inc-a", breached: true))));
        var reposted = Assert.Single((await board.GetBoard()).Entries);
        Assert.Equal((2, true), (reposted.Times, reposted.Breached));

        var clear = Update(0, (12, new ViewNotice { Board = BoardLevel.Grid, Key = "view-test-grid", Clear = new BoardClear { IncidentId = "inc-a" } }));
        await board.Apply(clear);
        await board.Apply(Update(0, (11, Post("inc-a", breached: true))));
        Assert.Empty((await board.GetBoard()).Entries);
    }

    private static ViewUpdate Update(int shard, params (long Position, ViewNotice Notice)[] notices)
    {
        var update = new ViewUpdate { Shard = shard };
        update.Notices.Add(notices.Select(n => new PositionedNotice { Position = n.Position, Notice = n.Notice }));
        return update;
    }

    private static ViewNotice Assignment(string incident, bool open) => new()
    {
        Key = "view-test-department",
        Assignment = new AssignmentNotice { IncidentId = incident, Open = open, CategoryCode = "11.01", DispatchedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero)) },
    };

    private static ViewNotice Post(string incident, bool breached) => new()
    {
        Board = BoardLevel.Grid,
        Key = "view-test-grid",
        Post = new BoardEntry { IncidentId = incident, Clock = SlaClockKind.Accept, Breached = breached, PostedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 21, 1, 8, 0, TimeSpan.Zero)) },
    };
}
