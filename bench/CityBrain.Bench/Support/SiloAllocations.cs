using System.Globalization;
using System.Net.Sockets;

namespace CityBrain.Bench.Support;

/// <summary>
/// The bytes a silo process has allocated, read from the startup hook (<c>CityBrain.Bench.AllocationHook</c>) that <see cref="Environment"/> loads into
/// it. Allocation per operation does not move with the machine's load as throughput and CPU time do, so it shows what a
/// setting costs on a busy machine.
/// </summary>
internal static class SiloAllocations
{
    /// <summary>The variables that load the hook into a silo answering on <paramref name="port"/> (and sampling the types it
    /// allocates when this process runs with <c>CITYBRAIN_ALLOC_SAMPLE=1</c>).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(int port) =>
    [
        new("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location),
        new(StartupHook.PortVariable, port.ToString(CultureInfo.InvariantCulture)),
        new(StartupHook.TypesVariable, System.Environment.GetEnvironmentVariable("CITYBRAIN_ALLOC_SAMPLE") == "1" ? "1" : "0"),
    ];

    /// <summary>The bytes the silo answering on <paramref name="port"/> has allocated so far, the time its JIT has spent
    /// compiling so far, and the types it allocated most since the last reading ("bytes type" lines; none unless sampled).</summary>
    public static async Task<SiloReading> ReadAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream());
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var first = lines.Length > 0 ? lines[0].Split(' ') : [];
        return first.Length == 2
            ? new(long.Parse(first[0], NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.FromTicks(long.Parse(first[1], NumberStyles.None, CultureInfo.InvariantCulture)), lines[1..])
            : throw new InvalidOperationException($"The silo's allocation probe answered {(lines.Length == 0 ? "nothing (has the silo exited?)" : $"'{lines[0]}'")}, not 'bytes jit_ticks'.");
    }
}

/// <summary>One reading of a silo's probe: bytes allocated and JIT compilation time since it started, and the types it
/// allocated most since the last reading.</summary>
internal readonly record struct SiloReading(long Bytes, TimeSpan Jit, IReadOnlyList<string> Types);
