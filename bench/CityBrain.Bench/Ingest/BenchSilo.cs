using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CityBrain.Bench.Support;
using CityBrain.Testing;

namespace CityBrain.Bench.Ingest;

/// <summary>
/// The built Release silo (<c>citybrain.dll</c>) as a process of its own, configured by arguments and started the way
/// it runs in production (server GC; <see cref="SiloProcess"/> forces workstation GC for tests that run several).
/// </summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private static readonly TimeSpan WarmUpSlice = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);
    private const double SteadyJitShare = 0.01;

    private const string SiloPrefix = "SILO_";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly int _allocationPort;

    private BenchSilo(Process process, int grpcPort, int httpPort, int allocationPort)
    {
        _process = process;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        _allocationPort = allocationPort;
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public int ProcessId => _process.Id;

    public string GrpcUrl => $"http://127.0.0.1:{GrpcPort}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the silo; with <paramref name="probeAllocations"/>, <see cref="ReadProbeAsync"/> can read what it allocates and how long its JIT has worked.</summary>
    public static async Task<BenchSilo> StartAsync(IReadOnlyDictionary<string, string> settings, bool probeAllocations = false)
    {
        var silo = SiloProcess.LocateSilo();
        if (!silo.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"warning: not a Release silo: {silo}");
        }

        var ports = SiloProcess.FreePorts(5);
        var (grpc, http) = (ports[0], ports[1]);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(silo);
        start.ArgumentList.Add($"--CityBrain:GrpcUrl=http://127.0.0.1:{grpc}");
        start.ArgumentList.Add($"--CityBrain:HttpUrl=http://127.0.0.1:{http}");
        start.ArgumentList.Add($"--CityBrain:Cluster:SiloPort={ports[2]}");
        start.ArgumentList.Add($"--CityBrain:Cluster:GatewayPort={ports[3]}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["DOTNET_gcServer"] = "1";

        // For A/B runs of runtime settings on the silo alone: SILO_DOTNET_GCgen0size=... reaches it as DOTNET_GCgen0size.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value))
            .Where(e => e.Item1.StartsWith(SiloPrefix, StringComparison.Ordinal)))
        {
            start.Environment[name[SiloPrefix.Length..]] = value;
        }

        if (probeAllocations)
        {
            foreach (var (name, value) in SiloAllocations.Environment(ports[4]))
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var bench = new BenchSilo(process, grpc, http, probeAllocations ? ports[4] : 0);
        process.OutputDataReceived += (_, e) => bench.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bench.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await bench.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return bench;
    }

    /// <summary>The bytes the silo process has allocated and the time its JIT has spent so far (started with allocations
    /// probed), and the types it allocated most since the last reading when sampled (<see cref="SiloAllocations"/>).</summary>
    public Task<SiloReading> ReadProbeAsync() => _allocationPort > 0
        ? SiloAllocations.ReadAsync(_allocationPort)
        : throw new InvalidOperationException("The silo was started without its allocations probed.");

    /// <summary>
    /// Loads a freshly started silo in slices of <see cref="WarmUpSlice"/> until its JIT took less than
    /// <see cref="SteadyJitShare"/> of two slices in a row (at most <see cref="MaxWarmUp"/>); returns how long that took and the last
    /// slice's share. A silo measured earlier is still tiering up its hot methods: at a fixed 6 s warm-up, 20 s in, the JIT
    /// held 13 % of the silo's CPU samples and the hot paths ran instrumented code (perf, 2026-12-05), and two runs of one
    /// configuration differed by a third in CPU per event. Needs the silo started with its allocations probed.
    /// </summary>
    public async Task<(TimeSpan Took, double LastJitShare)> WarmUpAsync(Func<TimeSpan, Task> load)
    {
        var started = Stopwatch.GetTimestamp();
        var jit = (await ReadProbeAsync()).Jit;
        var quiet = 0;
        while (true)
        {
            var slice = Stopwatch.GetTimestamp();
            await load(WarmUpSlice);
            var now = (await ReadProbeAsync()).Jit;
            var took = Stopwatch.GetElapsedTime(slice);
            var share = (now - jit) / took;
            jit = now;
            BenchHost.Progress(FormattableString.Invariant($"  warm-up: the JIT took {share:P1} of {took.TotalSeconds:F1} s"));
            quiet = share < SteadyJitShare ? quiet + 1 : 0;
            if (quiet == 2 || Stopwatch.GetElapsedTime(started) >= MaxWarmUp)
            {
                return (Stopwatch.GetElapsedTime(started), share);
            }
        }
    }

    /// <summary>Stops the silo gracefully (SIGTERM) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The silo was not ready within {within}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
