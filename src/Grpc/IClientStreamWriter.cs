namespace CityBrain.Grpc;

/// <summary>Writes the request stream of a client-streaming or duplex call.</summary>
/// <typeparam name="T">The request message type.</typeparam>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Ends the request stream (half-close). No more writes are allowed afterwards.</summary>
    Task CompleteAsync();
}
