using System.Threading.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.RateLimiting;

/// <summary>A token bucket per caller (a feed's source, else the user), from <see cref="RateLimitOptions"/>.</summary>
internal sealed class CallerRateLimiter : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<Caller>? _limiter;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.TokenLimit,
            TokensPerPeriod = settings.TokensPerPeriod,
            ReplenishmentPeriod = settings.ReplenishmentPeriod,
            QueueLimit = settings.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
        Func<string, TokenBucketRateLimiterOptions> factory = _ => bucket;
        _limiter = PartitionedRateLimiter.Create<Caller, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller.RateKey, factory));
    }

    /// <summary>Takes one token now; false when the bucket is empty.</summary>
    public bool TryAcquire(Caller caller)
    {
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(caller);
        return lease.IsAcquired;
    }

    /// <summary>Takes one token, waiting for it behind at most <see cref="RateLimitOptions.QueueLimit"/> others;
    /// false when the queue is full.</summary>
    public ValueTask<bool> AcquireAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (_limiter is null)
        {
            return ValueTask.FromResult(true);
        }

        using var lease = _limiter.AttemptAcquire(caller);
        return lease.IsAcquired ? ValueTask.FromResult(true) : WaitAsync(caller, cancellationToken);
    }

    private async ValueTask<bool> WaitAsync(Caller caller, CancellationToken cancellationToken)
    {
        using var lease = await _limiter!.AcquireAsync(caller, 1, cancellationToken).ConfigureAwait(false);
        return lease.IsAcquired;
    }

    public static RpcException Exhausted(Caller caller) => new(new Status(
        StatusCode.ResourceExhausted,
        $"Rate limit of {caller.RateKey} exceeded; slow down and retry."));

    public ValueTask DisposeAsync() => _limiter?.DisposeAsync() ?? ValueTask.CompletedTask;
}
