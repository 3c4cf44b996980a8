namespace CityBrain.Grpc;

/// <summary>Writes the response stream of a server-streaming or duplex call.</summary>
/// <typeparam name="T">The response message type.</typeparam>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}
