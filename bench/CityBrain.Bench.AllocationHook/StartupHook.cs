using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CityBrain.Bench.AllocationHook;

// The runtime finds a startup hook by this exact name, outside any namespace (DOTNET_STARTUP_HOOKS).
#pragma warning disable CA1050

/// <summary>
/// Loaded into a bench silo process by <c>DOTNET_STARTUP_HOOKS</c> (the bench's <c>SiloAllocations</c>), so the silo's own
/// code stays as it runs in production: answers each connection to the loopback port in <c>CITYBRAIN_ALLOCATION_PORT</c>
/// with the bytes the process has allocated so far (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, precise), then the time
/// its JIT has spent compiling in ticks (<see cref="System.Runtime.JitInfo.GetCompilationTime(bool)"/>: a silo whose JIT is
/// still busy, tiering up its hot methods, is not yet in its steady state), as decimal text separated by a space on the
/// first line. With <c>CITYBRAIN_ALLOCATION_TYPES=1</c> the following lines are the types allocated most since
/// the last answer, "bytes type", sampled by the runtime's allocation tick (about one event per 100 KB; it costs the
/// silo some CPU, so such a run's rates are not comparable), then the activities started since then (<see cref="ActivityCounts"/>).
/// This assembly references nothing but the base library: Orleans loads every reference of the assemblies it scans.
/// </summary>
public static class StartupHook
{
    public const string PortVariable = "CITYBRAIN_ALLOCATION_PORT";
    public const string TypesVariable = "CITYBRAIN_ALLOCATION_TYPES";

    public static void Initialize()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(PortVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return;
        }

        var types = Environment.GetEnvironmentVariable(TypesVariable) == "1" ? new AllocationTicks() : null;
        var activities = types is null ? null : new ActivityCounts();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        new Thread(() => Answer(listener, types, activities)) { IsBackground = true, Name = "allocation probe" }.Start();
    }

    private static void Answer(TcpListener listener, AllocationTicks? types, ActivityCounts? activities)
    {
        while (true)
        {
            try
            {
                using var client = listener.AcceptTcpClient();
                var answer = new StringBuilder()
                    .Append(GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(System.Runtime.JitInfo.GetCompilationTime().Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
                foreach (var (type, bytes) in types?.Drain().Take(60) ?? [])
                {
                    answer.Append(bytes.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(type).Append('\n');
                }

                activities?.Drain(answer);
                client.GetStream().Write(Encoding.UTF8.GetBytes(answer.ToString()));
            }
            catch (Exception exception)
            {
                // Whatever went wrong with one answer (the reader went away), the silo goes on.
                Console.Error.WriteLine($"allocation probe: {exception.GetType().Name}: {exception.Message}");
            }
        }
    }
}
