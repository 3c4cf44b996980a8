using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.RateLimiting;

/// <summary>
/// A token bucket per caller (a feed's source, else the user), from <see cref="RateLimitOptions"/>, seen two ways
/// that share the buckets: <see cref="ForRequests"/> is ASP.NET Core's rate limiter (one token per call, before the
/// call reaches gRPC), and <see cref="AcquireAsync"/> takes one per event of a SubmitStream.
/// </summary>
internal sealed class CallerRateLimiter : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);
    private readonly TokenBucketRateLimiterOptions? _bucket;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        _bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.TokenLimit,
            TokensPerPeriod = settings.TokensPerPeriod,
            ReplenishmentPeriod = settings.ReplenishmentPeriod,
            QueueLimit = settings.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    /// <summary>The limiter of ASP.NET Core's rate-limiting middleware: one token per call of the API by an
    /// authenticated caller, taken at once or refused; other requests (health, reflection, anonymous calls that
    /// authorization refuses, SubmitStream) pass.</summary>
    public PartitionedRateLimiter<HttpContext> ForRequests() => PartitionedRateLimiter.Create<HttpContext, string>(http =>
        _bucket is not null
        && http.Features.Get<Caller>() is { } caller
        && RolePolicy.ApiMethodOf(http.GetEndpoint()?.Metadata) is { Type: not MethodType.DuplexStreaming }
            ? RateLimitPartition.Get(caller.RateKey, key => new Immediate(Bucket(key)))
            : RateLimitPartition.GetNoLimiter(""));

    /// <summary>Takes one token, waiting for it behind at most <see cref="RateLimitOptions.QueueLimit"/> others;
    /// false when the queue is full.</summary>
    public ValueTask<bool> AcquireAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (_bucket is null)
        {
            return ValueTask.FromResult(true);
        }

        var bucket = Bucket(caller.RateKey);
        using var lease = bucket.AttemptAcquire();
        return lease.IsAcquired ? ValueTask.FromResult(true) : WaitAsync(bucket, cancellationToken);
    }

    public static RpcException Exhausted(Caller caller) => new(new Status(StatusCode.ResourceExhausted, ExhaustedMessage(caller)));

    public static string ExhaustedMessage(Caller caller) => $"Rate limit of {caller.RateKey} exceeded; slow down and retry.";

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }

    private static async ValueTask<bool> WaitAsync(TokenBucketRateLimiter bucket, CancellationToken cancellationToken)
    {
        using var lease = await bucket.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        return lease.IsAcquired;
    }

    private TokenBucketRateLimiter Bucket(string key) => _buckets.GetOrAdd(key, static (_, options) => new TokenBucketRateLimiter(options), _bucket!);

    /// <summary>A view of a shared bucket for the middleware: a call takes a token now or is refused (it never queues;
    /// disposing the view leaves the bucket to its owner).</summary>
    private sealed class Immediate(TokenBucketRateLimiter bucket) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => bucket.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => bucket.AttemptAcquire(permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(bucket.AttemptAcquire(permitCount));
    }
}
