namespace CityBrain.Grpc;

/// <summary>Writes a stream of messages. Only one write may be pending at a time.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for subsequent writes; null means <see cref="Grpc.WriteOptions.Default"/>.</summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Writes one message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="RpcException">The call already ended.</exception>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}
