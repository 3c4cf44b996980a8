using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Common;
using Google.Protobuf.WellKnownTypes;

namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>The server side of test.proto.</summary>
public sealed class TestServiceImpl(TestSignals signals) : TestService.TestServiceBase
{
    public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        if (request.Text == "compress")
        {
            context.ResponseCompressionAlgorithm = "gzip";
        }

        return Task.FromResult(new EchoReply { Text = request.Text, Payload = request.Payload });
    }

    public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Text = request.Text, Index = i });
        }
    }

    public override async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var count = 0;
        var text = new System.Text.StringBuilder();
        await foreach (var request in requestStream.ReadAllAsync())
        {
            count++;
            text.Append(request.Text);
        }

        return new EchoReply { Text = text.ToString(), Index = count };
    }

    public override async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        while (await requestStream.MoveNextAsync())
        {
            await responseStream.WriteAsync(new EchoReply { Text = requestStream.Current.Text, Index = index++ });
        }
    }

    public override Task<EchoReply> Fail(EchoRequest request, ServerCallContext context)
    {
        var trailers = new Metadata { { "failure-kind", "requested" } };
        throw new RpcException(new Status((StatusCode)request.StatusCode, request.StatusMessage), trailers);
    }

    public override async Task<EchoReply> WaitForCancellation(EchoRequest request, ServerCallContext context)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (context.CancellationToken.Register(() => cancelled.TrySetResult()))
        {
            signals.Raise(request.Signal + ":started", context.Deadline.ToString("O"));
            await cancelled.Task;
        }

        signals.Raise(request.Signal, "cancelled");
        context.CancellationToken.ThrowIfCancellationRequested();
        return new EchoReply();
    }

    public override async Task StreamUntilCancelled(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNextAsync())
        {
            return;
        }

        var signal = requestStream.Current.Signal;
        try
        {
            await responseStream.WriteAsync(new EchoReply { Text = "first" });
            signals.Raise(signal + ":started", "started");
            while (await requestStream.MoveNextAsync())
            {
            }

            signals.Raise(signal, "ended normally");
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested)
        {
            signals.Raise(signal, "cancelled:" + ex.GetType().Name);
            throw;
        }
    }

    public override async Task<EchoReply> Stall(EchoRequest request, ServerCallContext context)
    {
        signals.Raise(request.Signal + ":started", "started");
        await signals.Get(request.Signal + ":release").Task;
        signals.Raise(request.Signal, "returned late");
        return new EchoReply { Text = "too late" };
    }

    public override Task<EchoReply> Throw(EchoRequest request, ServerCallContext context) =>
        throw new InvalidOperationException("secret internal detail " + request.Text);

    public override async Task<EchoReply> Metadata(EchoRequest request, ServerCallContext context)
    {
        var headers = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("echo-", StringComparison.Ordinal))
            {
                headers.Add(entry);
                context.ResponseTrailers.Add(entry.IsBinary
                    ? new Metadata.Entry("trailer-" + entry.Key, entry.ValueBytes)
                    : new Metadata.Entry("trailer-" + entry.Key, entry.Value));
            }
        }

        await context.WriteResponseHeadersAsync(headers);
        return new EchoReply { Text = context.Peer + "|" + context.Host + "|" + context.Method };
    }

    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override Task<CommonMessage> Nested(Outer.Types.Inner request, ServerCallContext context) =>
        Task.FromResult(new CommonMessage { Value = request.Value + "!" });
}
