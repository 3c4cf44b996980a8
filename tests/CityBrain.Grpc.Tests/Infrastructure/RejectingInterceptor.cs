namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>Rejects calls carrying <c>x-reject</c>, as the gateway's authentication will; counts what it saw.</summary>
public sealed class RejectingInterceptor : IGrpcServerInterceptor
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public IMethod? LastMethod { get; private set; }

    public ValueTask OnCallAsync(ServerCallContext context, IMethod method)
    {
        Interlocked.Increment(ref _calls);
        LastMethod = method;
        if (context.RequestHeaders.GetValue("x-reject") is { } reason)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "rejected: " + reason), new Metadata { { "rejected-by", "interceptor" } });
        }

        return ValueTask.CompletedTask;
    }
}
