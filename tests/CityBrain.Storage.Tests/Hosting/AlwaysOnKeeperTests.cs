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
    public async Task PingsAtStart_EverySecond_AndAtOnceWhenAMemberDies_ButNotForMembersDeadBefore()
    {
        var clock = new FakeTimeProvider();
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

        // The first snapshot has a member that died long ago: that is no news.
        membership.Publish(1, (a, SiloStatus.Active), (b, SiloStatus.Active), (old, SiloStatus.Dead));
        var lifecycle = new SiloLifecycleSubject(NullLogger<SiloLifecycleSubject>.Instance);
        keeper.Participate(lifecycle);
        await lifecycle.OnStart();
        try
        {
            Assert.Equal(1, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));
            await membership.Consumed.WaitAsync(Guard);
            Assert.False(pings.Reader.TryRead(out _), "a member dead before the keeper started woke it");

            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(2, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));

            // b dies: the keeper pings without the clock moving.
            membership.Publish(2, (a, SiloStatus.Active), (b, SiloStatus.Dead), (old, SiloStatus.Dead));
            Assert.Equal(3, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));

            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(4, await pings.Reader.ReadAsync().AsTask().WaitAsync(Guard));
        }
        finally
        {
            await lifecycle.OnStop();
        }
    }

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    /// <summary>Membership snapshots published by the test, in order.</summary>
    private sealed class FakeMembership : IClusterMembershipService
    {
        private readonly Channel<ClusterMembershipSnapshot> _updates = Channel.CreateUnbounded<ClusterMembershipSnapshot>();
        private readonly TaskCompletionSource _consumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the keeper has asked for the snapshot after the first one (it has handled the first).</summary>
        public Task Consumed => _consumed.Task;

        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } = null!;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => Read();

        public void Publish(long version, params (SiloAddress Address, SiloStatus Status)[] members)
        {
            CurrentSnapshot = new ClusterMembershipSnapshot(
                members.ToImmutableDictionary(m => m.Address, m => new ClusterMember(m.Address, m.Status, m.Address.ToString())),
                new MembershipVersion(version));
            _updates.Writer.TryWrite(CurrentSnapshot);
        }

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);

        private async IAsyncEnumerable<ClusterMembershipSnapshot> Read([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var handed = 0;
            while (true)
            {
                if (handed == 1)
                {
                    // The keeper handled the first snapshot synchronously before asking again; a signal it raised for it
                    // has been raised by now.
                    _consumed.TrySetResult();
                }

                yield return await _updates.Reader.ReadAsync(cancellationToken);
                handed++;
            }
        }
    }
}
