using System.Globalization;
using Npgsql;

namespace CityBrain.Bench.Support;

/// <summary>
/// CPU time by who spent it, from /proc (Linux): this process (the load generator, and in-process silos), a silo
/// process, and the benchmark's PostgreSQL server — its postmaster and every backend it started, with the backends
/// that have exited (the postmaster keeps their time as its waited-for children's). Only the benchmark's own server
/// counts: other PostgreSQL servers on a shared machine are left out. Taken before and after a phase, it shows where a
/// phase's CPU went per operation.
/// </summary>
internal readonly record struct CpuSample(TimeSpan Client, TimeSpan Silo, TimeSpan Postgres, TimeSpan Machine)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Takes a sample; <paramref name="postmasterPid"/> from <see cref="PostmasterPidAsync"/> (0: no PostgreSQL).</summary>
    public static CpuSample Take(int siloPid, int postmasterPid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }

        var postgres = 0L;
        if (postmasterPid > 0)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadTicks(pid) is { } t
                    && (pid == postmasterPid || t.Parent == postmasterPid))
                {
                    postgres += t.Ticks + (pid == postmasterPid ? t.ChildTicks : 0);
                }
            }
        }

        return new CpuSample(Time(ReadTicks(Environment.ProcessId)?.Ticks ?? 0), Time(siloPid > 0 ? ReadTicks(siloPid)?.Ticks ?? 0 : 0), Time(postgres), Time(MachineBusyTicks()));
    }

    /// <summary>The process id of the server's postmaster: the parent of a backend of ours.</summary>
    public static async Task<int> PostmasterPidAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return ReadTicks(backend)?.Parent ?? 0;
    }

    /// <summary>The CPU the runtime's background JIT thread (".NET Tiered Compilation", which compiles hot methods again,
    /// optimized) of process <paramref name="pid"/> has used: a silo process whose JIT is still busy is not yet measured at
    /// its steady speed. Read from the thread's /proc entry, so it needs no hook in the process; zero if it has none.</summary>
    public static TimeSpan TieredCompilation(int pid)
    {
        var ticks = 0L;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)
                    && ReadTicks(pid, tid) is { Comm: ".NET Tiered Com" } thread)
                {
                    ticks += thread.Ticks;
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // the process ended
        }

        return Time(ticks);
    }

    public static CpuSample operator -(CpuSample after, CpuSample before) =>
        new(after.Client - before.Client, after.Silo - before.Silo, after.Postgres - before.Postgres, after.Machine - before.Machine);

    /// <summary>PostgreSQL CPU microseconds per operation.</summary>
    public double PostgresPer(double operations) => operations <= 0 ? 0 : Postgres.TotalMicroseconds / operations;

    /// <summary>CPU microseconds per operation: client (this process), silo, postgres, and the machine's total busy time.</summary>
    public string PerOperation(double operations) => operations <= 0 || Machine == TimeSpan.Zero
        ? "cpu per operation: n/a"
        : FormattableString.Invariant(
            $"cpu per operation: this process {Us(Client, operations):F0} µs, silo process {Us(Silo, operations):F0} µs, postgres {Us(Postgres, operations):F1} µs, machine busy {Us(Machine, operations):F0} µs");

    private static double Us(TimeSpan t, double operations) => t.TotalMicroseconds / operations;

    private static TimeSpan Time(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static (string Comm, int Parent, long Ticks, long ChildTicks)? ReadTicks(int pid, int? thread = null)
    {
        try
        {
            var stat = File.ReadAllText(thread is { } tid ? $"/proc/{pid}/task/{tid}/stat" : $"/proc/{pid}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');

            // After the command: state is field 3, ppid 4, utime 14, stime 15, and the waited-for children's cutime 16
            // and cstime 17 (1-based, man 5 proc).
            return (
                stat[(open + 1)..close],
                int.Parse(fields[1], CultureInfo.InvariantCulture),
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
