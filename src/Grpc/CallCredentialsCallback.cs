namespace CityBrain.Grpc;

/// <summary>
/// Adds credentials (for example <c>authorization: Bearer ...</c>) to the headers of every call of a channel,
/// just before it is sent. Throwing <see cref="RpcException"/> fails the call with that status.
/// </summary>
/// <param name="method">The method being called.</param>
/// <param name="headers">The headers to add to.</param>
/// <param name="cancellationToken">Cancelled with the call.</param>
public delegate ValueTask CallCredentialsCallback(IMethod method, Metadata headers, CancellationToken cancellationToken);
