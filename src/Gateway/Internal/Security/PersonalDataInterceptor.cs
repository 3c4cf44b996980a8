using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>Masks reporters in every response of the API (unary and streamed, gRPC and JSON alike) for callers whose
/// role does not see them in full (<see cref="PersonalData"/>): one place, so a new view cannot forget it.</summary>
internal sealed class PersonalDataInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var response = await continuation(request, context);
        return InFull(context) ? response : Mask(response);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(request, InFull(context) || !MayHold<TResponse>() ? responseStream : new MaskingWriter<TResponse>(responseStream), context);

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var response = await continuation(requestStream, context);
        return InFull(context) ? response : Mask(response);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(requestStream, InFull(context) || !MayHold<TResponse>() ? responseStream : new MaskingWriter<TResponse>(responseStream), context);

    /// <summary>Methods outside the API (health, reflection) have no caller and carry no personal information.</summary>
    private static bool InFull(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<Caller>() is not { } caller || PersonalData.SeesInFull(caller.Actor.Role);

    private static bool MayHold<T>() => ReporterHolders<T>.Value;

    private static T Mask<T>(T response) => response is Google.Protobuf.IMessage message ? (T)PersonalData.Masked(message) : response;

    private sealed class MaskingWriter<T>(IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => inner.WriteAsync(Mask(message));

        public Task WriteAsync(T message, CancellationToken cancellationToken) => inner.WriteAsync(Mask(message), cancellationToken);
    }

    /// <summary>Whether messages of <typeparamref name="T"/> can hold a reporter (once per type).</summary>
    private static class ReporterHolders<T>
    {
        public static readonly bool Value = typeof(Google.Protobuf.IMessage).IsAssignableFrom(typeof(T))
            && PersonalData.MayHold(((Google.Protobuf.IMessage)Activator.CreateInstance(typeof(T))!).Descriptor);
    }
}
