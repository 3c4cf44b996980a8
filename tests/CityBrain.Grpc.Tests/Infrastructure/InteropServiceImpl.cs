using Citybrain.Interop.V1;

namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>The server side of interop.proto, called by the Python client.</summary>
public sealed class InteropServiceImpl : Interop.InteropBase
{
    public override Task<Message> Unary(Message request, ServerCallContext context) =>
        Task.FromResult(new Message { Text = "hello " + request.Text, Number = request.Number + 1 });

    public override async Task Bidi(IAsyncStreamReader<Message> requestStream, IServerStreamWriter<Message> responseStream, ServerCallContext context)
    {
        await foreach (var message in requestStream.ReadAllAsync())
        {
            await responseStream.WriteAsync(new Message { Text = message.Text.ToUpperInvariant(), Number = message.Number });
        }
    }

    public override async Task Stream(Message request, IServerStreamWriter<Message> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Number; i++)
        {
            await responseStream.WriteAsync(new Message { Text = request.Text, Number = i });
        }
    }

    public override Task<Message> Status(StatusRequest request, ServerCallContext context) =>
        throw new RpcException((StatusCode)request.Code, request.Message);

    public override async Task<Message> Hang(Message request, ServerCallContext context)
    {
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return request;
    }
}
