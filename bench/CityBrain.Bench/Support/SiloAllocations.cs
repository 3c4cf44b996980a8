using System.Globalization;
using System.Net.Sockets;

namespace CityBrain.Bench.Support;

/// <summary>
/// The bytes a silo process has allocated, read from the <see cref="StartupHook"/> that <see cref="Environment"/> loads into
/// it. Allocation per operation does not move with the machine's load as throughput and CPU time do, so it shows what a
/// setting costs on a busy machine.
/// </summary>
internal static class SiloAllocations
{
    /// <summary>The variables that load the hook into a silo answering on <paramref name="port"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(int port) =>
    [
        new("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location),
        new(StartupHook.PortVariable, port.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The bytes the silo answering on <paramref name="port"/> has allocated so far.</summary>
    public static async Task<long> ReadAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream());
        return long.Parse(await reader.ReadToEndAsync(), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
