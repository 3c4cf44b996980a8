namespace CityBrain.Grpc;

/// <summary>Reads a stream of messages: the requests of a client-streaming call or the responses of a server-streaming call.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNextAsync"/>.</summary>
    T Current { get; }

    /// <summary>Advances to the next message.</summary>
    /// <param name="cancellationToken">Cancels the read (and, on a client, the call).</param>
    /// <returns>True if a message was read; false at the end of the stream.</returns>
    /// <exception cref="RpcException">The call failed.</exception>
    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default);
}
