using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;

namespace CityBrain.Grpc.Tests.Calls;

[Collection(GrpcServerCollection.Name)]
public sealed class StreamingCallTests(GrpcTestServer server)
{
    [Fact]
    public async Task ServerStream_CountRequested_ReceivesAllInOrderThenOk()
    {
        using var call = server.Client.ServerStream(new EchoRequest { Text = "s", Count = 250 });
        var indexes = new List<int>();

        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 250), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStream_ZeroMessages_EndsWithOk()
    {
        using var call = server.Client.ServerStream(new EchoRequest { Count = 0 });

        Assert.False(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStream_SeveralRequests_ServerSeesAllOfThem()
    {
        using var call = server.Client.ClientStream();
        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal("abc", reply.Text);
        Assert.Equal(3, reply.Index);
    }

    [Fact]
    public async Task ClientStream_NoRequests_ReturnsEmptyReply()
    {
        using var call = server.Client.ClientStream();
        await call.RequestStream.CompleteAsync();

        var reply = await call;

        Assert.Equal(0, reply.Index);
    }

    [Fact]
    public async Task Duplex_ThousandMessages_EchoedInOrder()
    {
        using var call = server.Client.Duplex();
        var reading = Task.Run(async () =>
        {
            var received = new List<EchoReply>();
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                received.Add(reply);
            }

            return received;
        });

        for (var i = 0; i < 1000; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "m" + i });
        }

        await call.RequestStream.CompleteAsync();
        var replies = await reading;

        Assert.Equal(1000, replies.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => "m" + i), replies.Select(r => r.Text));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Duplex_PingPong_EachReplyArrivesBeforeNextRequest()
    {
        using var call = server.Client.Duplex();

        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "p" + i });
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal("p" + i, call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync());
    }
}
