using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class HttpRequestStreamReader<T>(HttpServerCallContext call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;
    private bool _ended;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNextAsync first.");

    public ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return new ValueTask<bool>(false);
        }

        var callToken = call.CancellationToken;
        if (!cancellationToken.CanBeCanceled || cancellationToken == callToken)
        {
            var read = call.ReadMessageAsync(parser, callToken);
            if (read.IsCompletedSuccessfully)
            {
                return new ValueTask<bool>(Accept(read.Result));
            }

            return AwaitAsync(read);
        }

        return MoveNextLinkedAsync(callToken, cancellationToken);
    }

    private async ValueTask<bool> AwaitAsync(ValueTask<T?> read) => Accept(await read.ConfigureAwait(false));

    private async ValueTask<bool> MoveNextLinkedAsync(CancellationToken callToken, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken);
        return Accept(await call.ReadMessageAsync(parser, linked.Token).ConfigureAwait(false));
    }

    private bool Accept(T? message)
    {
        if (message is null)
        {
            _ended = true;
            return false;
        }

        _current = message;
        return true;
    }
}
