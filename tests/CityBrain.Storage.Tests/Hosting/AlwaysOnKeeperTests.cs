using System.Collections.Immutable;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Storage.Tests.Hosting;

/// <summary>The keeper pings its grains once the silo is active, every second after, and at once when a member dies: the
/// grains of a killed silo come back as soon as the cluster knows, not up to a second later.</summary>
public sealed class AlwaysOnKeeperTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PingsAtStart_EverySecond_AndAtOnceWhenAMemberDies()
    {
        var clock = new TimerSignallingClock();
        var membership = new FakeMembership();
        var pings = Channel.CreateUnbounded<int>();
        var count = 0;
        var keeper = new AlwaysOnKeeper(
            [new AlwaysOnGrain("test shard", _ => { pings.Writer.TryWrite(Interlocked.Increment(ref count)); return Task.CompletedTask; })],
            factory: null!,
            membership,
            new BackgroundClock(clock),
            NullLogger<AlwaysOnKeeper>.Instance);
        var (a, b, old) = (Silo(1), Silo(2), Silo(3));

        // The first snapshot has a member that died long ago: that is no news (MemberDied_OnlyForADeathBetweenTwoSnapshots).
        membership.Publish(1, (a, SiloStatus.Active), (b, SiloStatus.Active), (old, SiloStatus.Dead));
        var lifecycle = new SiloLifecycleSubject(NullLogger<SiloLifecycleSubject>.Instance);
        keeper.Participate(lifecycle);
        await lifecycle.OnStart();
        try
        {
            Assert.Equal(1, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));

            // Advance only once the keeper waits: a timer made after the advance would wait a second from then.
            await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(Guard);
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(2, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));

            // b dies: the keeper pings without the clock moving.
            membership.Publish(2, (a, SiloStatus.Active), (b, SiloStatus.Dead), (old, SiloStatus.Dead));
            Assert.Equal(3, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));

            // One wait after each ping: the one the death cut short, then the one after the death's ping.
            await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(Guard);
            await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(Guard);
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(4, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));
        }
        finally
        {
            await lifecycle.OnStop();
        }
    }

    [Fact]
    public void MemberDied_OnlyForADeathBetweenTwoSnapshots()
    {
        var (a, b, old) = (Silo(1), Silo(2), Silo(3));
        var first = Snapshot(1, (a, SiloStatus.Active), (b, SiloStatus.Active), (old, SiloStatus.Dead));

        Assert.False(AlwaysOnKeeper.MemberDied(null, first)); // dead before the keeper looked: no news
        Assert.False(AlwaysOnKeeper.MemberDied(first, Snapshot(2, (a, SiloStatus.Active), (b, SiloStatus.Active), (old, SiloStatus.Dead))));
        Assert.False(AlwaysOnKeeper.MemberDied(first, Snapshot(2, (a, SiloStatus.Active), (b, SiloStatus.ShuttingDown), (old, SiloStatus.Dead))));
        Assert.True(AlwaysOnKeeper.MemberDied(first, Snapshot(2, (a, SiloStatus.Active), (b, SiloStatus.Dead), (old, SiloStatus.Dead))));
        Assert.True(AlwaysOnKeeper.MemberDied(first, Snapshot(2, (a, SiloStatus.Active), (b, SiloStatus.Active), (old, SiloStatus.Dead), (Silo(4), SiloStatus.Dead))));
    }

    private static ClusterMembershipSnapshot Snapshot(long version, params (SiloAddress Address, SiloStatus Status)[] members) => new(
        members.ToImmutableDictionary(m => m.Address, m => new ClusterMember(m.Address, m.Status, m.Address.ToString())),
        new MembershipVersion(version));

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    /// <summary>A manual clock that says when a timer is made (the keeper has begun a wait).</summary>
    private sealed class TimerSignallingClock : FakeTimeProvider
    {
        public Channel<int> Timers { get; } = Channel.CreateUnbounded<int>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Timers.Writer.TryWrite(0);
            return timer;
        }
    }

    /// <summary>Membership snapshots published by the test, in order.</summary>
    private sealed class FakeMembership : IClusterMembershipService
    {
        private readonly Channel<ClusterMembershipSnapshot> _updates = Channel.CreateUnbounded<ClusterMembershipSnapshot>();

        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } = null!;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => Read();

        public void Publish(long version, params (SiloAddress Address, SiloStatus Status)[] members)
        {
            CurrentSnapshot = Snapshot(version, members);
            _updates.Writer.TryWrite(CurrentSnapshot);
        }

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);

        private async IAsyncEnumerable<ClusterMembershipSnapshot> Read([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            while (true)
            {
                yield return await _updates.Reader.ReadAsync(cancellationToken);
            }
        }
    }
}
