using System.Globalization;

namespace CityBrain.Bench.Support;

/// <summary>
/// CPU time by who spent it, from /proc (Linux): this process (the load generator), the silo process, and every
/// process named <c>postgres</c> with the backends that have exited. Taken before and after a phase, it shows where a phase's CPU went per operation.
/// </summary>
internal readonly record struct CpuSample(TimeSpan Client, TimeSpan Silo, TimeSpan Postgres, TimeSpan Machine)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSample Take(int siloPid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }

        var postgres = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadTicks(pid) is { } t && t.Comm == "postgres")
            {
                // A backend's time leaves the sum when it exits (a pool closed); the postmaster, which waits for its
                // backends, keeps it as its children's time.
                postgres += t.Ticks + t.ChildTicks;
            }
        }

        return new CpuSample(Time(ReadTicks(Environment.ProcessId)?.Ticks ?? 0), Time(ReadTicks(siloPid)?.Ticks ?? 0), Time(postgres), Time(MachineBusyTicks()));
    }

    public static CpuSample operator -(CpuSample after, CpuSample before) =>
        new(after.Client - before.Client, after.Silo - before.Silo, after.Postgres - before.Postgres, after.Machine - before.Machine);

    /// <summary>CPU microseconds per operation: client, silo, postgres, and the machine's total busy time.</summary>
    public string PerOperation(double operations) => operations <= 0 || Machine == TimeSpan.Zero
        ? "cpu per operation: n/a"
        : FormattableString.Invariant(
            $"cpu per operation: client {Us(Client, operations):F0} µs, silo {Us(Silo, operations):F0} µs, postgres {Us(Postgres, operations):F0} µs, machine busy {Us(Machine, operations):F0} µs");

    private static double Us(TimeSpan t, double operations) => t.TotalMicroseconds / operations;

    private static TimeSpan Time(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static (string Comm, long Ticks, long ChildTicks)? ReadTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');

            // After the command: state is field 3, utime 14, stime 15, and the waited-for children's cutime 16 and
            // cstime 17 (1-based, man 5 proc).
            return (
                stat[(open + 1)..close],
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // the process ended meanwhile
        }
    }

    private static long MachineBusyTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // cpu user nice system idle iowait irq softirq steal ...
        var values = cpu.Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return values.Sum() - values[3] - values[4];
    }
}
