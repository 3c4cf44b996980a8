using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>The request delegate of one gRPC method: protocol checks, interceptors, the handler, the status.</summary>
internal sealed class ServerCallHandler<TService, TRequest, TResponse>
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly ServerCallPipeline _pipeline;
    private readonly IServiceActivator _activator;
    private readonly UnaryServerMethod<TService, TRequest, TResponse>? _unary;
    private readonly ClientStreamingServerMethod<TService, TRequest, TResponse>? _clientStreaming;
    private readonly ServerStreamingServerMethod<TService, TRequest, TResponse>? _serverStreaming;
    private readonly DuplexStreamingServerMethod<TService, TRequest, TResponse>? _duplexStreaming;

    public ServerCallHandler(Method<TRequest, TResponse> method, ServerCallPipeline pipeline, IServiceActivator activator, Delegate handler)
    {
        _method = method;
        _pipeline = pipeline;
        _activator = activator;
        _unary = handler as UnaryServerMethod<TService, TRequest, TResponse>;
        _clientStreaming = handler as ClientStreamingServerMethod<TService, TRequest, TResponse>;
        _serverStreaming = handler as ServerStreamingServerMethod<TService, TRequest, TResponse>;
        _duplexStreaming = handler as DuplexStreamingServerMethod<TService, TRequest, TResponse>;
    }

    public IMethod Method => _method;

    public Task HandleCallAsync(HttpContext httpContext)
    {
        if (ProtocolGate.TryReject(httpContext, _pipeline, out var rejection))
        {
            return rejection;
        }

        return RunAsync(httpContext);
    }

    private async Task RunAsync(HttpContext httpContext)
    {
        var call = new HttpServerCallContext(httpContext, _method, _pipeline);
        object? service = null;
        var owned = false;
        try
        {
            call.Initialize();
            var interceptors = _pipeline.Interceptors;
            for (var i = 0; i < interceptors.Length; i++)
            {
                await InterceptAsync(interceptors[i], call).ConfigureAwait(false);
            }

            service = _activator.Create(httpContext.RequestServices, out owned);
            var typed = (TService)service;
            switch (_method.Type)
            {
                case MethodType.Unary:
                {
                    var request = await call.ReadSingleMessageAsync(_method.RequestParser).ConfigureAwait(false);
                    var response = await _unary!(typed, request, call).ConfigureAwait(false);
                    await call.CompleteWithResponseAsync(response).ConfigureAwait(false);
                    break;
                }

                case MethodType.ClientStreaming:
                {
                    var reader = new HttpRequestStreamReader<TRequest>(call, _method.RequestParser);
                    var response = await _clientStreaming!(typed, reader, call).ConfigureAwait(false);
                    await call.CompleteWithResponseAsync(response).ConfigureAwait(false);
                    break;
                }

                case MethodType.ServerStreaming:
                {
                    var request = await call.ReadSingleMessageAsync(_method.RequestParser).ConfigureAwait(false);
                    var writer = new HttpResponseStreamWriter<TResponse>(call);
                    await _serverStreaming!(typed, request, writer, call).ConfigureAwait(false);
                    await call.CompleteAsync().ConfigureAwait(false);
                    break;
                }

                default:
                {
                    var reader = new HttpRequestStreamReader<TRequest>(call, _method.RequestParser);
                    var writer = new HttpResponseStreamWriter<TResponse>(call);
                    await _duplexStreaming!(typed, reader, writer, call).ConfigureAwait(false);
                    await call.CompleteAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            await call.FailAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            if (service is not null)
            {
                await _activator.ReleaseAsync(service, owned).ConfigureAwait(false);
            }

            await call.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask InterceptAsync(IGrpcServerInterceptor interceptor, HttpServerCallContext call)
    {
        try
        {
            await interceptor.OnCallAsync(call, _method).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            GrpcLog.InterceptorRejected(_pipeline.Logger, _method.FullName, interceptor.GetType().Name, ex.StatusCode);
            throw;
        }
    }
}
