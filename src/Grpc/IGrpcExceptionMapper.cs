namespace CityBrain.Grpc;

/// <summary>
/// Turns what a handler throws into the status the client receives, in one place instead of a try/catch in every
/// handler. Register one as a singleton in DI (<c>services.AddGrpcExceptionMapper&lt;T&gt;()</c>). The server consults
/// it only for exceptions it cannot classify itself: an <see cref="RpcException"/> is sent as it is, and a
/// cancellation caused by the call's deadline or by the client is DEADLINE_EXCEEDED or CANCELLED before any mapper
/// sees it. Without a mapper (or when it returns null or throws) the client receives UNKNOWN and the exception is logged.
/// </summary>
public interface IGrpcExceptionMapper
{
    /// <summary>The status for <paramref name="exception"/>, or null to leave it UNKNOWN.</summary>
    /// <param name="exception">What the handler threw.</param>
    /// <param name="context">The call.</param>
    RpcException? Map(Exception exception, ServerCallContext context);
}
