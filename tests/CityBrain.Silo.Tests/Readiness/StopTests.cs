using System.Diagnostics;
using System.Net;
using CityBrain.Gateway;
using CityBrain.Testing;
using Grpc.Health.V1;

namespace CityBrain.Silo.Tests.Readiness;

/// <summary>
/// The real silo process told to stop (SIGTERM) with <c>CityBrain:DrainBeforeStop</c>: it answers not ready on
/// /readyz and the standard health check while it drains, then leaves and exits with code 0. The stop takes longer
/// than two seconds on purpose: System.CommandLine used to end the process with code 143 two seconds after the signal,
/// cutting a graceful leave short (seen under load in the fault run of issue 17).
/// </summary>
public sealed class StopTests
{
    [Fact]
    public async Task Sigterm_DrainsAnsweringNotReady_ThenLeavesWithExitCodeZero()
    {
        var work = Directory.CreateTempSubdirectory("citybrain-stop-");
        try
        {
            await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
            {
                ["CityBrain:Storage:Database"] = "Sqlite",
                ["CityBrain:Storage:ConnectionString"] = $"Data Source={Path.Combine(work.FullName, "citybrain.db")}",
                ["CityBrain:DrainBeforeStop"] = "00:00:04",
            });
            using var channel = ApiChannel.Create(new Uri($"http://127.0.0.1:{silo.GrpcPort}"), token: null);
            var health = new Health.HealthClient(channel);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

            var signalled = Stopwatch.StartNew();
            await silo.SignalAsync("TERM");
            await silo.WaitForOutputAsync("Answering not ready for 00:00:04", TimeSpan.FromSeconds(30));
            var (status, text) = await silo.ReadinessAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("the silo is stopping", text, StringComparison.Ordinal);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);

            var exit = await silo.Exited.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exit == 0, $"exit code {exit} after {signalled.Elapsed}:\n{silo.Output}");
            Assert.True(signalled.Elapsed >= TimeSpan.FromSeconds(4), $"the silo exited {signalled.Elapsed} after the signal, before its drain ended");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
