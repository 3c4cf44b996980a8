using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Citybrain.Grpctest.V1;
using CityBrain.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Grpc.Tests.Calls;

public sealed class TlsAndCredentialsTests
{
    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task Call_OverTlsWithBearerCredentials_HandlerSeesTlsAndToken()
    {
        using var certificate = CreateCertificate();
        var seen = new TaskCompletionSource<(bool IsHttps, string Protocol, string? Authorization)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, address, _) = await GrpcTestServer.StartAsync(
            services =>
            {
                services.AddSingleton(new TestSignals());
                services.AddSingleton<IGrpcServerInterceptor>(new RecordingInterceptor(seen));
            },
            a => a.MapGrpcService<TestServiceImpl>(),
            tlsCertificate: certificate);
        await using (app)
        {
            var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString();
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = handler,
                CallCredentials = (method, headers, _) =>
                {
                    headers.Add("authorization", "Bearer token-for-" + method.Name);
                    return ValueTask.CompletedTask;
                },
            });

            var reply = await new TestService.TestServiceClient(channel).EchoAsync(new EchoRequest { Text = "secure" });

            Assert.Equal("https", address.Scheme);
            Assert.Equal("secure", reply.Text);
            var observed = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(observed.IsHttps);
            Assert.Equal("HTTP/2", observed.Protocol);
            Assert.Equal("Bearer token-for-Echo", observed.Authorization);
        }
    }

    [Fact]
    public async Task Call_CredentialsCallbackRejects_FailsWithItsStatusWithoutSending()
    {
        var (app, address, _) = await GrpcTestServer.StartAsync(services => services.AddSingleton(new TestSignals()), a => a.MapGrpcService<TestServiceImpl>());
        await using (app)
        {
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                CallCredentials = (_, _, _) => throw new RpcException(StatusCode.Unauthenticated, "no token available"),
            });

            var ex = await Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(channel).EchoAsync(new EchoRequest()).ResponseAsync);

            Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
            Assert.Equal("no token available", ex.Status.Detail);
        }
    }

    [Fact]
    public async Task Call_DefaultHeaders_SentWithEveryCall()
    {
        var (app, address, _) = await GrpcTestServer.StartAsync(services => services.AddSingleton(new TestSignals()), a => a.MapGrpcService<TestServiceImpl>());
        await using (app)
        {
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { DefaultHeaders = new Metadata { { "echo-silo", "silo-1" } } });

            using var call = new TestService.TestServiceClient(channel).MetadataAsync(new EchoRequest());
            await call;

            Assert.Equal("silo-1", (await call.ResponseHeadersAsync).GetValue("echo-silo"));
        }
    }

    private sealed class RecordingInterceptor(TaskCompletionSource<(bool, string, string?)> seen) : IGrpcServerInterceptor
    {
        public ValueTask OnCallAsync(ServerCallContext context, IMethod method)
        {
            var request = context.HttpContext.Request;
            seen.TrySetResult((request.IsHttps, request.Protocol, context.RequestHeaders.GetValue("authorization")));
            return ValueTask.CompletedTask;
        }
    }
}
