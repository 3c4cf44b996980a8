using System.Reflection;
using CityBrain.Gateway.Api;
using Grpc.Core;
using Google.Protobuf;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>Calls any method of the API with an empty request and reports the status it ended with (OK once a
/// streaming call delivered a message), for tests that sweep every method.</summary>
internal static class AnyCall
{
    /// <summary>Every method of the API services (the method descriptors Grpc.Tools generates, private fields of
    /// each service class).</summary>
    public static IReadOnlyList<IMethod> ApiMethods { get; } =
        new[] { typeof(EventIntake), typeof(Dispatch), typeof(Query), typeof(Drills), typeof(Admin), typeof(Hotline), typeof(Alerts) }
            .SelectMany(service => service.GetFields(BindingFlags.NonPublic | BindingFlags.Static))
            .Where(field => typeof(IMethod).IsAssignableFrom(field.FieldType))
            .Select(field => (IMethod)field.GetValue(null)!)
            .ToList();

    public static IMethod Find(string fullName) => ApiMethods.Single(m => m.FullName == fullName);

    public static async Task<StatusCode> StatusOfAsync(CallInvoker invoker, IMethod method)
    {
        var types = method.GetType().GetGenericArguments();
        var call = typeof(AnyCall).GetMethod(nameof(CallAsync), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(types);
        try
        {
            await (Task)call.Invoke(null, [invoker, method])!;
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }

    private static async Task CallAsync<TRequest, TResponse>(CallInvoker invoker, Method<TRequest, TResponse> method)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = new CallOptions(cancellationToken: cancel.Token);
        switch (method.Type)
        {
            case MethodType.Unary:
                await invoker.AsyncUnaryCall(method, null, options, new TRequest());
                break;
            case MethodType.ServerStreaming:
            {
                using var call = invoker.AsyncServerStreamingCall(method, null, options, new TRequest());
                await call.ResponseStream.MoveNext(cancel.Token);
                break;
            }

            default:
            {
                using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext(cancel.Token))
                {
                }

                break;
            }
        }
    }
}
