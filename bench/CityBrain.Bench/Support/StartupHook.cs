using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// The runtime finds a startup hook by this exact name, outside any namespace (DOTNET_STARTUP_HOOKS).
#pragma warning disable CA1050

/// <summary>
/// Loaded into a bench silo process by <c>DOTNET_STARTUP_HOOKS</c> (see <see cref="CityBrain.Bench.Support.SiloAllocations"/>),
/// so the silo's own code stays as it runs in production: answers each connection to the loopback port in
/// <c>CITYBRAIN_ALLOCATION_PORT</c> with the bytes the process has allocated so far (<see cref="GC.GetTotalAllocatedBytes(bool)"/>,
/// precise), as decimal text. Uses nothing but the base library, so loading this assembly pulls in nothing else.
/// </summary>
public static class StartupHook
{
    public const string PortVariable = "CITYBRAIN_ALLOCATION_PORT";

    public static void Initialize()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(PortVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        new Thread(() => Answer(listener)) { IsBackground = true, Name = "allocation probe" }.Start();
    }

    private static void Answer(TcpListener listener)
    {
        while (true)
        {
            using var client = listener.AcceptTcpClient();
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            client.GetStream().Write(Encoding.ASCII.GetBytes(bytes.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
