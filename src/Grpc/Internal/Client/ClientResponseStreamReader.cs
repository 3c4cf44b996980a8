using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>The response stream of a server-streaming or duplex client call.</summary>
internal sealed class ClientResponseStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private TResponse? _current;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNextAsync first.");

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        var message = await call.ReadNextAsync(cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return false;
        }

        _current = message;
        return true;
    }
}
