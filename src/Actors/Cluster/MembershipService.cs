using Microsoft.Extensions.Logging;
using Npgsql;

namespace CityBrain.Actors.Cluster;

/// <summary>
/// Keeps this silo in the cluster: joins, renews its lease every heartbeat, declares silos whose lease lapsed
/// dead, learns of view changes promptly through PostgreSQL LISTEN/NOTIFY (and on every heartbeat as a
/// fallback), fences itself when it cannot renew its own lease, and exits when it finds itself declared dead.
/// </summary>
internal sealed class MembershipService : IClusterMembership, IAsyncDisposable
{
    private readonly ClusterOptions _options;
    private readonly SiloIdentity _self;
    private readonly NpgsqlDataSource _dataSource;
    private readonly MembershipTable _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IClusterViewListener _listener;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly SemaphoreSlim _refreshSignal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private ClusterView? _view;
    private long _lastRenewalSent;
    private bool _fenced;
    private bool _leaving;
    private ITimer? _watchdog;

    public MembershipService(ClusterOptions options, SiloIdentity self, string connectionString, TimeProvider time, ILogger logger, IClusterViewListener listener)
    {
        _options = options;
        _self = self;
        _time = time;
        _logger = logger;
        _listener = listener;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "citybrain-membership",
            Timeout = Math.Max(1, (int)options.HeartbeatInterval.TotalSeconds * 2),
            CommandTimeout = Math.Max(2, (int)options.LeaseDuration.TotalSeconds),
            KeepAlive = 1,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _table = new MembershipTable(_dataSource, self, options);
    }

    public bool IsActive => _view?.Self?.Status == SiloStatus.Active && !_fenced && !_leaving;

    public string SiloId => _self.Id;

    public long ViewVersion => _view?.Version ?? 0;

    public IReadOnlyList<SiloInfo> Silos => _view?.Silos ?? [];

    public ClusterView? View => _view;

    public event Action? ViewChanged;

    public bool IsFenced => Volatile.Read(ref _fenced);

    /// <summary>Joins (retrying the compare-and-swap until it wins), reads the view and starts the loops.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sent = _time.GetTimestamp();
        while (true)
        {
            var snapshot = await _table.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (await _table.TryJoinAsync(snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        Volatile.Write(ref _lastRenewalSent, sent);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        ClusterLog.Joined(_logger, _self.Id, ViewVersion);
        _loops.Add(Task.Run(HeartbeatLoopAsync, CancellationToken.None));
        _loops.Add(Task.Run(ListenLoopAsync, CancellationToken.None));
        _loops.Add(Task.Run(RefreshLoopAsync, CancellationToken.None));
        var check = _options.HeartbeatInterval / 4;
        _watchdog = _time.CreateTimer(static state => ((MembershipService)state!).CheckLease(), this, check, check);
    }

    /// <summary>Leaves the ring (status leaving): the others take this silo's grains while it drains.</summary>
    public Task LeaveAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        return SetOwnStatusAsync(SiloStatus.Leaving, cancellationToken);
    }

    /// <summary>Marks this silo dead after a graceful shutdown and stops the loops.</summary>
    public async Task CompleteLeaveAsync(CancellationToken cancellationToken)
    {
        await SetOwnStatusAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
        await StopLoopsAsync().ConfigureAwait(false);
    }

    private async Task SetOwnStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        ClusterLog.Leaving(_logger, status);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var snapshot = await _table.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot.Silos.FirstOrDefault(s => s.Id == _self.Id) is not { } me || me.Status == SiloStatus.Dead || me.Status == status)
            {
                break;
            }

            if (await _table.TrySetOwnStatusAsync(status, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task HeartbeatLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var sent = _time.GetTimestamp();
            try
            {
                if (await _table.HeartbeatAsync(_listener.ActivationCount, token).ConfigureAwait(false))
                {
                    Volatile.Write(ref _lastRenewalSent, sent);
                    if (_fenced)
                    {
                        _fenced = false;
                        ClusterLog.Unfenced(_logger);
                        _listener.OnFencingChanged(fenced: false);
                    }
                }
                else
                {
                    if (!_leaving)
                    {
                        OnDeclaredDead();
                    }

                    return;
                }

                _refreshSignal.Release(); // the monitor loop reads the view and judges the others' leases
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ClusterLog.HeartbeatFailed(_logger, exception.Message);
            }

            try
            {
                await Task.Delay(_options.HeartbeatInterval, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Declares dead every silo whose lease lapsed by the database clock.</summary>
    private async Task SuspectAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _table.ReadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var silo in snapshot.Silos)
        {
            if (silo.Id == _self.Id || silo.Status == SiloStatus.Dead || silo.HeartbeatAt >= snapshot.DatabaseNow - _options.LeaseDuration)
            {
                continue;
            }

            if (await _table.TryDeclareDeadAsync(silo.Id, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                ClusterLog.DeclaredDead(_logger, silo.Id, silo.HeartbeatAt, snapshot.DatabaseNow);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
                return; // the version moved: the next heartbeat looks again
            }
        }
    }

    /// <summary>Self-fencing: a silo that could not renew its lease for 3/4 of it stops serving grains before the
    /// others may declare it dead (they wait the whole lease, by the database clock, from its last renewal).</summary>
    private void CheckLease()
    {
        var elapsed = _time.GetElapsedTime(Volatile.Read(ref _lastRenewalSent));
        if (!_fenced && elapsed > _options.LeaseDuration * 0.75)
        {
            _fenced = true;
            ClusterLog.Fenced(_logger, elapsed);
            _listener.OnFencingChanged(fenced: true);
        }
    }

    private void OnDeclaredDead()
    {
        _fenced = true;
        ClusterLog.DeclaredDeadSelf(_logger, _self.Id);
        _listener.OnFencingChanged(fenced: true);
        _listener.OnDeclaredDead();
    }

    private async Task ListenLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                connection.Notification += (_, _) => _refreshSignal.Release();
                var listen = new NpgsqlCommand($"LISTEN {MembershipTable.Channel}", connection);
                await using (listen.ConfigureAwait(false))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                _refreshSignal.Release(); // catch up with anything missed while not listening
                while (!token.IsCancellationRequested)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ClusterLog.ListenFailed(_logger, exception.Message);
                try
                {
                    await Task.Delay(_options.HeartbeatInterval, _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads the view on every notification and every heartbeat, and declares dead the silos whose lease
    /// lapsed. Separate from the heartbeat loop, so that no view change (which may wait for locks) ever delays
    /// this silo's own lease renewal.</summary>
    private async Task RefreshLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _refreshSignal.WaitAsync(token).ConfigureAwait(false);
                while (_refreshSignal.CurrentCount > 0)
                {
                    await _refreshSignal.WaitAsync(token).ConfigureAwait(false); // coalesce bursts
                }

                await RefreshAsync(token).ConfigureAwait(false);
                await SuspectAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ClusterLog.MonitorFailed(_logger, exception.Message);
            }
        }
    }

    /// <summary>Reads the table and publishes a new view if its version moved. Serialized, so views publish in order.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = await _table.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (_view is { } current && current.Version >= snapshot.Version)
            {
                return;
            }

            var view = new ClusterView(snapshot.Version, snapshot.Silos, _self.Id, _options.VirtualNodes);
            _view = view;
            var active = view.Silos.Where(s => s.Status == SiloStatus.Active).Select(s => s.Id).ToList();
            ClusterLog.ViewChanged(_logger, view.Version, active.Count, string.Join(", ", active));
            if (view.Self?.Status == SiloStatus.Dead && !_leaving)
            {
                OnDeclaredDead();
                return;
            }

            await _listener.OnViewChangedAsync(view, cancellationToken).ConfigureAwait(false);
            ViewChanged?.Invoke();
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task StopLoopsAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoopsAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _refreshLock.Dispose();
        _refreshSignal.Dispose();
    }
}
