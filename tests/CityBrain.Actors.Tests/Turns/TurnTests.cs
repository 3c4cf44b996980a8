using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Actors.Tests.Turns;

[Collection(DatabaseCollection.Name)]
public sealed class TurnTests(DatabaseFixture database) : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), _clock);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Calls_FromOneCaller_AreHandledInSendOrder()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("fifo");

        var sent = Enumerable.Range(1, 500).Select(i => grain.Append(i).AsTask()).ToList();
        var positions = await Task.WhenAll(sent);

        Assert.Equal(Enumerable.Range(1, 500), positions);
        Assert.Equal(Enumerable.Range(1, 500), await grain.Appended());
    }

    [Fact]
    public async Task Hold_WhileRunning_NextRequestWaitsForIt()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("no-interleave");
        var probe = _silo.Probe;

        var first = grain.Hold("a");
        await probe.WaitAsync("entered:a");
        var second = grain.Hold("b");
        var third = grain.Append(1).AsTask();

        // The first request is parked on its gate: nothing else may have started.
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);
        Assert.DoesNotContain("enter:b", probe.Events);

        probe.Signal("release:a");
        await first;
        await probe.WaitAsync("entered:b");
        Assert.False(third.IsCompleted);
        probe.Signal("release:b");
        await Task.WhenAll(second, third);

        Assert.Equal(["enter:a", "exit:a", "enter:b", "exit:b"], probe.Events);
    }

    [Fact]
    public async Task RefuseWhileBusy_RefusesOnArrivalOnlyWhatTheRunningTurnRefuses()
    {
        var grain = _silo.Grains.GetGrain<IGuardedGrain>("guarded");
        var probe = _silo.Probe;

        var guard = grain.Guard("g");
        await probe.WaitAsync("entered:g");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Poke());
        Assert.Equal("guarding g", refused.Message);
        var held = grain.Hold("h"); // not refused: queued behind the guard
        Assert.False(guard.IsCompleted);
        Assert.False(held.IsCompleted);

        probe.Signal("release:g");
        await guard;
        await probe.WaitAsync("entered:h");
        var poke = grain.Poke(); // a turn that refuses nothing: queued, then run
        Assert.False(poke.IsCompleted);
        probe.Signal("release:h");
        await held;

        Assert.Equal(1, await poke); // the refused poke never ran
    }

    [Fact]
    public async Task ReadOnly_WithReadOnly_Interleaves_ButNotWithWriter()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("read-only");
        var probe = _silo.Probe;

        var read1 = grain.ReadHold("r1");
        await probe.WaitAsync("entered:r1");
        var read2 = grain.ReadHold("r2");
        await probe.WaitAsync("entered:r2"); // read-only joined read-only
        var write = grain.Hold("w");
        var read3 = grain.ReadHold("r3");     // FIFO: queued behind the writer

        Assert.DoesNotContain("enter:w", probe.Events);
        probe.Signal("release:r1");
        probe.Signal("release:r2");
        await Task.WhenAll(read1, read2);
        await probe.WaitAsync("entered:w");
        Assert.DoesNotContain("enter:r3", probe.Events);
        probe.Signal("release:w");
        await write;
        await probe.WaitAsync("entered:r3");
        probe.Signal("release:r3");
        await read3;

        Assert.Equal(["enter:r1", "enter:r2", "exit:r1", "exit:r2", "enter:w", "exit:w", "enter:r3", "exit:r3"], probe.Events);
    }

    [Fact]
    public async Task AlwaysInterleave_RunsWhileAnotherRequestHolds()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("always");
        var probe = _silo.Probe;

        var hold = grain.Hold("h");
        await probe.WaitAsync("entered:h");
        await grain.Interleave("i");

        Assert.Equal(["enter:h", "enter:i", "exit:i"], probe.Events);
        probe.Signal("release:h");
        await hold;
    }

    [Fact]
    public async Task Reentrant_RequestsInterleave_ButTurnsNeverRunInParallel()
    {
        var grain = _silo.Grains.GetGrain<IReentrantGrain>("reentrant");
        var probe = _silo.Probe;

        var hold = grain.Hold("x");
        await probe.WaitAsync("entered:x");
        var second = grain.Hold("y");
        await probe.WaitAsync("entered:y"); // started while x still holds
        probe.Signal("release:y");
        await second;
        probe.Signal("release:x");
        await hold;
        Assert.Equal(["enter:x", "enter:y", "exit:y", "exit:x"], probe.Events);

        var work = Enumerable.Range(0, 64).Select(_ => grain.Work(20)).ToList();
        await Task.WhenAll(work);
        Assert.Equal(0, await grain.Violations());
    }

    [Fact]
    public async Task Exception_InGrain_ReachesCallerWithTypeAndMessage()
    {
        var grain = _silo.Grains.GetGrain<IThrowingGrain>("thrower");

        var sync = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("sync boom"));
        var async = await Assert.ThrowsAsync<ArgumentException>(() => grain.FailAfterAwait("async boom"));

        Assert.Equal("sync boom", sync.Message);
        Assert.StartsWith("async boom", async.Message);
        Assert.Equal(42, await grain.Ok()); // the activation survives its exceptions
    }

    [Fact]
    public async Task ResponseTimeout_CallCycle_FailsNamingTheChain()
    {
        var a = _silo.Grains.GetGrain<IChainGrain>("a");
        var probe = _silo.Probe;

        var call = a.CallThrough(["b", "a"]);
        await probe.WaitAsync("called:b->a");
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(2));

        var timeout = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call);
        Assert.StartsWith("chain/a -> chain/b -> chain/a", timeout.CallChain);
        Assert.Contains("call cycle", timeout.Message);
        Assert.Equal(TimeSpan.FromSeconds(30), timeout.Timeout);
    }

    [Fact]
    public async Task ResponseTimeout_MethodAttribute_OverridesDefault()
    {
        var a = _silo.Grains.GetGrain<IChainGrain>("qa");
        var probe = _silo.Probe;

        var call = a.CallThroughQuickly(["qb", "qa"]);
        await probe.WaitAsync("called:qb->qa");
        _clock.Advance(TimeSpan.FromSeconds(6));

        var timeout = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call);
        Assert.Equal(TimeSpan.FromSeconds(5), timeout.Timeout);
        Assert.Contains("chain/qa -> chain/qb -> chain/qa", timeout.CallChain);
    }

    [Fact]
    public async Task GetGrain_BadKeyOrInterface_ThrowsNamingTheProblem()
    {
        var empty = Assert.Throws<ArgumentException>(() => _silo.Grains.GetGrain<ICounterGrain>(""));
        var nullKey = Assert.Throws<ArgumentException>(() => _silo.Grains.GetGrain<ICounterGrain>(null!));
        var unknown = Assert.Throws<ArgumentException>(() => _silo.Grains.GetGrain<IUnimplementedGrain>("x"));

        Assert.Contains("non-empty", empty.Message);
        Assert.Contains("ICounterGrain", nullKey.Message);
        Assert.Contains(typeof(IUnimplementedGrain).FullName!, unknown.Message);
    }
}

[Collection(DatabaseCollection.Name)]
public sealed class SharedInterfaceTests(DatabaseFixture database)
{
    [Fact]
    public async Task GetGrain_InterfaceSharedByTwoClasses_RefusedButEachSpecificInterfaceWorks()
    {
        await using var silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), new ManualTimeProvider());

        Assert.Equal("street:s1", await silo.Grains.GetGrain<IStreetBoard>("s1").Name());
        Assert.Equal(2, await silo.Grains.GetGrain<IStreetBoard>("s1").Level());
        Assert.Equal("grid:g1", await silo.Grains.GetGrain<IGridBoard>("g1").Name());
        var shared = Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<INamedBoard>("x"));
        Assert.Contains("several grain classes", shared.Message);
        Assert.Contains(nameof(StreetBoardGrain), shared.Message);
    }
}

public interface IUnimplementedGrain : IGrain
{
    Task Nothing();
}
