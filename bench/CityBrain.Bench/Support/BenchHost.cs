using System.Net;
using CityBrain.Contracts.Serialization;
using CityBrain.Storage;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;

namespace CityBrain.Bench.Support;

/// <summary>Orleans silos hosted in the benchmark process, composed as the silo executable composes them (protobuf
/// messages, our storage on PostgreSQL), on localhost clustering with free loopback ports.</summary>
internal static class BenchHost
{
    /// <summary>Starts a silo host. <paramref name="primary"/>: the silo endpoint of the first silo, for a second one to join
    /// (localhost clustering); null for the first (or only) silo.</summary>
    public static async Task<IHost> StartSiloAsync(string? connectionString, Action<ISiloBuilder>? configure = null, IPEndPoint? primary = null, string name = "bench")
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // Logs go to stderr with the progress lines, so stdout carries the figures alone; Polly's retry notes repeat
        // what Orleans reports anyway.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        }).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Error);
        var ports = SiloProcess.FreePorts(2);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports[0], ports[1], primary, serviceId: "citybrain-bench", clusterId: "bench");
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.Services.AddSerializer(serializer => serializer.AddProtobufMessages());
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
            if (connectionString is not null)
            {
                silo.AddCityBrainStorage(o =>
                {
                    o.Database = DatabaseKind.Postgres;
                    o.ConnectionString = connectionString;
                });
            }

            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The silo-to-silo endpoint of a started silo host (for a second silo to join it).</summary>
    public static IPEndPoint SiloEndpoint(IHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint;

    public static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>The machine's load average over the last minute (<see cref="MachineLoad.Average"/>).</summary>
    public static string LoadAverage() => MachineLoad.Average();
}
