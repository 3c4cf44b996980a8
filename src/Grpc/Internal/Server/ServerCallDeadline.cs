namespace CityBrain.Grpc.Internal.Server;

/// <summary>
/// The deadline of one server call (only calls that sent <c>grpc-timeout</c> have one): a timer on the injected
/// clock that cancels the handler's token and sends DEADLINE_EXCEEDED, and the lock that keeps that status from
/// interleaving with a response write.
/// </summary>
internal sealed class ServerCallDeadline : IAsyncDisposable
{
    /// <summary>The longest due time a timer accepts; longer deadlines simply never fire.</summary>
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private const int Armed = 0;
    private const int Fired = 1;
    private const int Disposed = 2;

    private readonly HttpServerCallContext _call;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource _expiryDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private int _state;

    public ServerCallDeadline(HttpServerCallContext call, TimeSpan timeout, CancellationToken requestAborted)
    {
        _call = call;
        _timeout = timeout;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
    }

    public SemaphoreSlim Lock { get; } = new(1, 1);

    public CancellationToken Token => _cancellation.Token;

    public bool IsExpired => Volatile.Read(ref _state) == Fired;

    public void Start()
    {
        if (_timeout <= TimeSpan.Zero)
        {
            OnTimer();
            return;
        }

        if (_timeout < MaxTimerDueTime)
        {
            _timer = _call.Pipeline.TimeProvider.CreateTimer(
                static state => ((ServerCallDeadline)state!).OnTimer(), this, _timeout, Timeout.InfiniteTimeSpan);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.CompareExchange(ref _state, Disposed, Armed) == Fired)
        {
            // The status is being sent from the timer: the request must not end before it is.
            await _expiryDone.Task.ConfigureAwait(false);
        }

        _cancellation.Dispose();
        Lock.Dispose();
    }

    private void OnTimer()
    {
        if (Interlocked.CompareExchange(ref _state, Fired, Armed) != Armed)
        {
            return;
        }

        _ = ExpireAsync();
    }

    private async Task ExpireAsync()
    {
        try
        {
            try
            {
                await _cancellation.CancelAsync().ConfigureAwait(false);
            }
            catch (AggregateException)
            {
                // A handler's cancellation callback failed; the call still ends with DEADLINE_EXCEEDED.
            }

            await _call.OnDeadlineExpiredAsync().ConfigureAwait(false);
        }
        finally
        {
            _expiryDone.TrySetResult();
        }
    }
}
