using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Health.V1;
using CityBrain.Testing;

namespace CityBrain.Gateway.Tests.Interop;

/// <summary>
/// The public API with a client nobody here wrote: the real <c>citybrain</c> process (SQLite in a temporary
/// folder, the demo city), tokens minted by <c>citybrain token</c>, and Debian's python3-grpcio with stubs that
/// Debian's protoc and grpc_python_plugin generate from our .proto files.
/// </summary>
public sealed class PythonInteropTests
{
    private const string Python = "/usr/bin/python3";
    private const string Protoc = "/usr/bin/protoc";
    private const string GrpcPythonPlugin = "/usr/bin/grpc_python_plugin";
    private const string InstallHint = "Install Debian's gRPC tooling: apt-get install -y python3-grpcio protobuf-compiler protobuf-compiler-grpc";

    [Fact]
    public async Task PythonGrpcioClient_SubmitStreamWatchErrorsDeadline_AgainstTheRealSilo()
    {
        var grpcCheck = await RunAsync(Python, ["-c", "import grpc"]);
        Assert.True(grpcCheck.ExitCode == 0, $"{Python} cannot import grpc. {InstallHint}. Output: {grpcCheck.Output}");
        Assert.True(File.Exists(Protoc) && File.Exists(GrpcPythonPlugin), $"{Protoc} or {GrpcPythonPlugin} is missing. {InstallHint}.");

        var work = Directory.CreateTempSubdirectory("citybrain-api-interop-");
        try
        {
            var protos = Path.Combine(AppContext.BaseDirectory, "Protos");
            var generate = await RunAsync(Protoc, [
                $"--proto_path={protos}",
                $"--python_out={work.FullName}",
                $"--grpc_out={work.FullName}",
                $"--plugin=protoc-gen-grpc={GrpcPythonPlugin}",
                .. Directory.GetFiles(protos, "*.proto", SearchOption.AllDirectories),
            ]);
            Assert.True(generate.ExitCode == 0, "protoc failed: " + generate.Output);

            var key = $"--CityBrain:Auth:SigningKey={GatewayServer.SigningKey}";
            await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
            {
                ["CityBrain:Auth:SigningKey"] = GatewayServer.SigningKey,
                ["CityBrain:Storage:Database"] = "Sqlite",
                ["CityBrain:Storage:ConnectionString"] = $"Data Source={Path.Combine(work.FullName, "citybrain.db")}",
            });
            var feedToken = await MintAsync("--role", "feed", "--source", "py-feed", "--days", "1", key);
            var viewerToken = await MintAsync("--role", "viewer", key);

            var script = Path.Combine(AppContext.BaseDirectory, "Interop", "api_client.py");
            var run = await RunAsync(Python, [script, $"127.0.0.1:{silo.GrpcPort}", work.FullName, feedToken, viewerToken]);

            Assert.True(run.ExitCode == 0, "Python client failed:\n" + run.Output + "\nSilo:\n" + silo.Output);
            foreach (var check in new[] { "OK ping", "OK submit", "OK get-incident", "OK bidi-stream-1000", "OK watch-caught-up", "OK watch", "OK watch-resume", "OK error-invalid-argument", "OK error-unauthenticated", "OK feed-reads-own", "OK error-permission-denied", "OK deadline", "ALL OK" })
            {
                Assert.Contains(check, run.Output, StringComparison.Ordinal);
            }

            // The standard health service of the real silo, without a token: SERVING (a loaded city, an active member).
            using (var channel = ApiChannel.Create(new Uri($"http://127.0.0.1:{silo.GrpcPort}"), token: null))
            {
                var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
            }

            var exitCode = await silo.TerminateAsync();
            Assert.True(exitCode == 0, $"The silo exited with {exitCode} after SIGTERM:\n{silo.Output}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TokenCommand_WithoutConfiguredKey_FailsSayingSo()
    {
        var run = await ToolProcess.RunSiloAsync(["token", "--role", "admin", "--CityBrain:Auth:SigningKey="], TimeSpan.FromMinutes(1));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CityBrain:Auth:SigningKey is not configured", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Mints a token with the built silo's <c>citybrain token</c> command.</summary>
    private static async Task<string> MintAsync(params string[] arguments)
    {
        var run = await ToolProcess.RunSiloAsync(["token", .. arguments], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, "citybrain token failed: " + run.StandardError);
        return run.StandardOutput.Trim();
    }

    private static Task<ToolRun> RunAsync(string fileName, string[] arguments) =>
        ToolProcess.RunAsync(fileName, arguments, TimeSpan.FromMinutes(3));
}
