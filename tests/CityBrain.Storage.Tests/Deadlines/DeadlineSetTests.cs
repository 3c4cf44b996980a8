using CityBrain.Storage.Deadlines;
using CityBrain.Storage.Internal;

namespace CityBrain.Storage.Tests.Deadlines;

public sealed class DeadlineSetTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly StoredGrain A = new("incident", "a");
    private static readonly StoredGrain B = new("incident", "b");

    [Fact]
    public void TryTakeDue_BeforeTheDueTime_TakesNothing_AtItTakesTheEarliestFirst()
    {
        var set = new DeadlineSet();
        set.Apply(B, "sla", T.AddMinutes(2));
        set.Apply(A, "sla", T.AddMinutes(1));

        Assert.False(set.TryTakeDue(T.AddMinutes(1).AddTicks(-1), out _));
        Assert.True(set.TryTakeDue(T.AddMinutes(5), out var first));
        Assert.True(set.TryTakeDue(T.AddMinutes(5), out var second));

        Assert.Equal([A, B], new[] { first.Grain, second.Grain });
        Assert.Null(set.NextDue());
        Assert.Equal(2, set.Count); // taken but not retired
    }

    [Fact]
    public void Retire_ReArmedWhileFiring_KeepsTheNewDueTime()
    {
        var set = new DeadlineSet();
        set.Apply(A, "sla", T);
        Assert.True(set.TryTakeDue(T, out var firing));

        set.Apply(A, "sla", T.AddMinutes(10));
        set.Retire(firing);

        Assert.Equal(1, set.Count);
        Assert.Equal(T.AddMinutes(10), set.NextDue());
    }

    [Fact]
    public void Retry_AfterAFailure_FiresAgainAtTheRetryTime_UnlessCancelledMeanwhile()
    {
        var set = new DeadlineSet();
        set.Apply(A, "sla", T);
        set.Apply(B, "sla", T);
        Assert.True(set.TryTakeDue(T, out var a));
        Assert.True(set.TryTakeDue(T, out var b));

        set.Retry(a, T.AddSeconds(1));
        set.Apply(B, "sla", null);
        set.Retry(b, T.AddSeconds(1));

        Assert.Equal(T.AddSeconds(1), set.NextDue());
        Assert.True(set.TryTakeDue(T.AddSeconds(1), out var again));
        Assert.Equal(A, again.Grain);
        Assert.False(set.TryTakeDue(T.AddHours(1), out _));
    }

    [Fact]
    public void Changes_ArmsCancelsAndRetirements_CountUntilSaved_AndLaterOnesStayCounted()
    {
        var set = new DeadlineSet();
        set.Apply(A, "sla", T);
        set.Apply(B, "sla", T);
        set.Apply(B, "sla", null);
        set.Apply(A, "unknown", null); // nothing to cancel: no change
        var written = set.Changes;

        Assert.True(set.TryTakeDue(T, out var firing));
        set.Retire(firing);            // retired while the checkpoint was being written
        set.MarkSaved(written);

        Assert.Equal(3, written);
        Assert.Equal(1, set.Changes);
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Checkpoint_EncodeThenDecode_KeepsEveryPendingDeadline()
    {
        var set = new DeadlineSet();
        set.Apply(A, "sla", T);
        set.Apply(B, "inject", T.AddDays(3));

        var copy = new DeadlineSet();
        DeadlineCheckpoint.Decode(DeadlineCheckpoint.Encode(set.All), copy);

        Assert.Equal(set.All.Select(e => (e.Grain, e.Name, e.DueAt)).OrderBy(e => e.Grain.Key), copy.All.Select(e => (e.Grain, e.Name, e.DueAt)).OrderBy(e => e.Grain.Key));
    }

    [Fact]
    public void ShardOf_IsStableAcrossProcesses()
    {
        // FNV-1a of "type/key" modulo 8, computed independently: every silo, build and database row must agree on it.
        Assert.Equal(7, Shards.Of(new StoredGrain("incident", "inc-aaaa")));
        Assert.Equal(4, Shards.Of(new StoredGrain("drill", "d1")));
        Assert.Equal(5, Shards.Of(new StoredGrain("tally", "a")));
        Assert.InRange(Shards.Of(new StoredGrain("incident", new string('x', 1000))), 0, Shards.Count - 1);
    }
}
