using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Gateway.Tests.Interop;

/// <summary>The real silo with a configured certificate serves the API over TLS (HTTP/2 by ALPN); TLS settings that
/// disagree with the URL stop it at start with a message naming the keys.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Silo_WithCertificate_ServesTheApiOverTls()
    {
        var work = Directory.CreateTempSubdirectory("citybrain-tls-");
        try
        {
            using var certificate = SelfSigned();
            var pfx = Path.Combine(work.FullName, "api.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "s3cret"));
            var port = SiloProcess.FreePort();
            await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
            {
                ["CityBrain:GrpcUrl"] = $"https://127.0.0.1:{port}",
                ["CityBrain:Tls:CertificateFile"] = pfx,
                ["CityBrain:Tls:Password"] = "s3cret",
                ["CityBrain:Auth:SigningKey"] = GatewayServer.SigningKey,
                ["CityBrain:Storage:ConnectionString"] = $"Data Source={Path.Combine(work.FullName, "citybrain.db")}",
            });
            var token = new TokenIssuer(new AuthOptions { SigningKey = GatewayServer.SigningKey }).Issue(Who.Viewer, TimeSpan.FromHours(1));
            var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
                },
            };
            using var channel = ApiChannel.Create(new Uri($"https://127.0.0.1:{port}"), token, o => o.HttpHandler = handler);

            var reply = await new EventIntake.EventIntakeClient(channel).PingAsync(new PingRequest());

            Assert.Equal("viewer-1", reply.Caller.UserId);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Silo_HttpsUrlWithoutCertificate_StopsAtStartNamingTheKeys()
    {
        var (exitCode, output) = await StartExpectingExitAsync($"--CityBrain:GrpcUrl=https://127.0.0.1:{SiloProcess.FreePort()}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("CityBrain:Tls:CertificateFile is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_SigningKeyTooShort_StopsAtStartNamingTheKey()
    {
        var (exitCode, output) = await StartExpectingExitAsync($"--CityBrain:Auth:SigningKey={Convert.ToBase64String(new byte[16])}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("CityBrain:Auth:SigningKey decodes to 16 bytes", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the silo with a setting that must stop it at start; returns its exit code and everything it printed.</summary>
    private static async Task<ToolRun> StartExpectingExitAsync(string setting)
    {
        var database = Path.Combine(Path.GetTempPath(), $"citybrain-start-{Guid.NewGuid():N}.db");
        var ports = SiloProcess.FreePorts(4);
        try
        {
            return await ToolProcess.RunSiloAsync(
                [
                    $"--CityBrain:HttpUrl=http://127.0.0.1:{ports[0]}",
                    $"--CityBrain:GrpcUrl=http://127.0.0.1:{ports[1]}",
                    $"--CityBrain:Cluster:SiloPort={ports[2]}",
                    $"--CityBrain:Cluster:GatewayPort={ports[3]}",
                    $"--CityBrain:Storage:ConnectionString=Data Source={database}",
                    setting,
                ],
                TimeSpan.FromMinutes(1));
        }
        finally
        {
            File.Delete(database);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
