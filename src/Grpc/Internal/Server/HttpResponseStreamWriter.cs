using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class HttpResponseStreamWriter<T>(HttpServerCallContext call) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    public WriteOptions? WriteOptions { get; set; }

    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default) =>
        call.WriteStreamMessageAsync(message, WriteOptions, cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
}
