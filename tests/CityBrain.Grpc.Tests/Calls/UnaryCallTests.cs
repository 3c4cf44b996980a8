using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Common;
using CityBrain.Grpc.Tests.Infrastructure;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grpc.Tests.Calls;

[Collection(GrpcServerCollection.Name)]
public sealed class UnaryCallTests(GrpcTestServer server)
{
    [Fact]
    public async Task Echo_ValidRequest_ReturnsReplyAndOkStatus()
    {
        using var call = server.Client.EchoAsync(new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(1, 2, 3) });

        var reply = await call;

        Assert.Equal("hello", reply.Text);
        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Payload.ToByteArray());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Ping_WellKnownEmptyTypes_RoundTrips()
    {
        var reply = await server.Client.PingAsync(new Empty());

        Assert.Equal(new Empty(), reply);
    }

    [Fact]
    public async Task Nested_NestedAndCrossFileMessages_MapToProtocTypes()
    {
        CommonMessage reply = await server.Client.NestedAsync(new Outer.Types.Inner { Value = "inner" });

        Assert.Equal("inner!", reply.Value);
    }

    [Fact]
    public async Task Echo_ManyConcurrentCallsOnOneChannel_AllSucceed()
    {
        var calls = Enumerable.Range(0, 500)
            .Select(i => server.Client.EchoAsync(new EchoRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ResponseAsync)
            .ToArray();

        var replies = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), replies.Select(r => r.Text));
    }

    [Fact]
    public async Task Fail_HandlerThrowsRpcException_ClientGetsStatusMessageAndTrailers()
    {
        var request = new EchoRequest { StatusCode = (int)StatusCode.FailedPrecondition, StatusMessage = "状态 100% wrong\nline" };

        using var call = server.Client.FailAsync(request);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("状态 100% wrong\nline", ex.Status.Detail);
        Assert.Equal("requested", ex.Trailers.GetValue("failure-kind"));
        Assert.Equal(StatusCode.FailedPrecondition, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Fail_NonAsciiMessage_IsPercentEncodedOnTheWire()
    {
        using var http = RawGrpc.CreateHttp2Client();
        var request = new EchoRequest { StatusCode = (int)StatusCode.InvalidArgument, StatusMessage = "é 50%" };

        var response = await RawGrpc.SendAsync(http, RawGrpc.Request(server.Http2Address, "/citybrain.grpctest.v1.TestService/Fail", RawGrpc.Frame(request)));

        Assert.Equal(StatusCode.InvalidArgument, response.GrpcStatus);
        Assert.Equal("%C3%A9 50%25", response.RawGrpcMessage);
        Assert.True(response.IsTrailersOnly);
    }

    [Fact]
    public async Task Throw_HandlerThrowsOtherException_UnknownWithGenericMessageAndLogged()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ThrowAsync(new EchoRequest { Text = "x1" }).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == "secret internal detail x1");
        await server.AssertServesNormalCallAsync();
    }

    [Fact]
    public async Task NotOverridden_MethodDeclaredButNotImplemented_ReturnsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.NotOverriddenAsync(new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Interceptor_RejectsCall_TrailersOnlyStatusAndHandlerNotRun()
    {
        var headers = new Metadata { { "x-reject", "no token" } };
        var signal = "interceptor-" + Guid.NewGuid();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.WaitForCancellationAsync(new EchoRequest { Signal = signal }, headers).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal("rejected: no token", ex.Status.Detail);
        Assert.Equal("interceptor", ex.Trailers.GetValue("rejected-by"));
        Assert.False(server.Signals.Get(signal + ":started").Task.IsCompleted);
        Assert.Equal("/citybrain.grpctest.v1.TestService/WaitForCancellation", server.Interceptor.LastMethod?.FullName);
    }

    [Fact]
    public async Task Interceptor_AcceptsCall_SeesMethodDescriptorWithFile()
    {
        var before = server.Interceptor.Calls;

        await server.Client.EchoAsync(new EchoRequest { Text = "seen" });

        Assert.True(server.Interceptor.Calls > before);
        Assert.Equal("test.proto", TestService.EchoMethod.File?.Name);
        Assert.Equal("/citybrain.grpctest.v1.TestService/Echo", TestService.EchoMethod.FullName);
    }
}
