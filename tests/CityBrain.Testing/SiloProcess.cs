using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CityBrain.Testing;

/// <summary>
/// A real silo process (the built <c>citybrain</c> executable) for end-to-end and cluster tests: started with
/// configuration arguments on free loopback ports, its output captured, ready once <c>/readyz</c> answers 200;
/// stopped gracefully (SIGTERM) or killed (SIGKILL).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HashSet<int> GivenPorts = [];
    private static readonly Lazy<(int Low, int High)> PortRange = new(ReadPortRange);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Printed)> _watches = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, int grpcPort, int httpPort, int siloPort, int gatewayPort)
    {
        _process = process;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    /// <summary>The Orleans silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The Orleans client gateway port.</summary>
    public int GatewayPort { get; }

    public string GrpcUrl => $"http://127.0.0.1:{GrpcPort}";

    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";

    public int ProcessId => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Everything the process printed so far.</summary>
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

    /// <summary>Starts a silo with <paramref name="settings"/> (configuration keys such as
    /// <c>CityBrain:Storage:Database</c>) on free ports, and waits until it is ready (with <paramref name="untilReady"/>
    /// false: only until it answers HTTP, ready or not). <paramref name="whileStarting"/>, when given, runs beside the wait
    /// from the moment the process has started (a test that acts on a silo still starting up).</summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? readyWithin = null, bool untilReady = true, Func<SiloProcess, Task>? whileStarting = null)
    {
        var ports = FreePorts(4);
        var (grpc, http, siloPort, gatewayPort) = (ports[0], ports[1], ports[2], ports[3]);
        var arguments = new List<string>
        {
            LocateSilo(),
            $"--CityBrain:GrpcUrl=http://127.0.0.1:{grpc}",
            $"--CityBrain:HttpUrl=http://127.0.0.1:{http}",
            $"--CityBrain:Cluster:SiloPort={siloPort}",
            $"--CityBrain:Cluster:GatewayPort={gatewayPort}",
            "--CityBrain:Cluster:AdvertisedAddress=127.0.0.1",
        };
        arguments.AddRange(settings.Select(s => $"--{s.Key}={s.Value}"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, grpc, http, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Exited += (_, _) => silo._exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Generous: a Debug silo's start-up is mostly JIT, and on a 2-core machine under a load of 40 (parallel builds)
        // it took over a minute to answer ready; the wait ends as soon as it is.
        var acting = whileStarting?.Invoke(silo) ?? Task.CompletedTask;
        await silo.WaitUntilReadyAsync(readyWithin ?? TimeSpan.FromSeconds(150), untilReady ? "/readyz" : "/healthz");
        await acting;
        return silo;
    }

    /// <summary>Polls <c>/readyz</c> (or another path) until it answers 200, failing early if the process exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within, string path = "/readyz")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var lastAnswer = "no answer yet";
        while (deadline.Elapsed < within)
        {
            if (_exited.Task.IsCompleted)
            {
                throw new InvalidOperationException($"The silo exited with code {_exited.Task.Result} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(HttpUrl + path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = exception.Message;
            }

            // Readiness is an external process's state: poll it, briefly.
            await Task.WhenAny(_exited.Task, Task.Delay(100));
        }

        throw new TimeoutException($"The silo was not ready within {within} ({path} last answered: {lastAnswer}):\n{Output}");
    }

    /// <summary>What <c>/readyz</c> answers now: its HTTP status and text.</summary>
    public async Task<(HttpStatusCode Status, string Text)> ReadinessAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(HttpUrl + "/readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>SIGKILL: the process dies at once, with no chance to leave the cluster or flush anything.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await Exited.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM: a graceful shutdown; waits for the process to exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan? within = null)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        return await Exited.WaitAsync(within ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGSTOP / SIGCONT: freezes the process (it keeps its sockets but does nothing) or resumes it.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill!.WaitForExitAsync();
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

    /// <summary>Completes when the process prints a line containing <paramref name="text"/> (or printed one already).</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="within"/>.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan within)
    {
        var printed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            _watches.Add((text, printed));
        }

        try
        {
            await printed.Task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The silo printed no line containing '{text}' within {within}:\n{Output}");
        }
        finally
        {
            lock (_output)
            {
                _watches.Remove((text, printed));
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var (text, printed) in _watches)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    printed.TrySetResult();
                }
            }
        }
    }

    /// <summary>The built silo next to this test's build: same configuration (Debug/Release) and framework; or the
    /// <c>citybrain.dll</c> named by <c>CITYBRAIN_SILO</c>.</summary>
    public static string LocateSilo()
    {
        if (Environment.GetEnvironmentVariable("CITYBRAIN_SILO") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory); // tests/X/bin/<Configuration>/<tfm>/
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Silo", "bin", configuration, framework, "citybrain.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"The silo is not built ({configuration}/{framework}): build the solution first.");
    }

    public static int FreePort() => FreePorts(1)[0];

    /// <summary>
    /// Distinct free ports below the kernel's ephemeral range: a port the kernel hands out (port 0) can be taken as the
    /// local end of some outgoing connection (to PostgreSQL, between silos) before the server that was given it binds it,
    /// which failed a test with "address already in use". Ports below the range are never picked for outgoing
    /// connections. Each is checked free on every address, and none is handed out twice by this process.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            lock (GivenPorts)
            {
                var (low, high) = PortRange.Value;
                for (var attempt = 0; listeners.Count < count; attempt++)
                {
                    if (attempt > 10_000)
                    {
                        throw new InvalidOperationException($"no {count} free ports in {low}-{high}");
                    }

                    var port = Random.Shared.Next(low, high);
                    if (GivenPorts.Contains(port))
                    {
                        continue;
                    }

                    var listener = new TcpListener(IPAddress.Any, port);
                    try
                    {
                        listener.Start();
                    }
                    catch (SocketException)
                    {
                        listener.Dispose();
                        continue;
                    }

                    listeners.Add(listener);
                    GivenPorts.Add(port);
                }
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    /// <summary>The ports to choose from: 10000 up to the start of the kernel's ephemeral range (Linux's
    /// <c>ip_local_port_range</c>; 32768 where it cannot be read). Read once per process.</summary>
    private static (int Low, int High) ReadPortRange()
    {
        const int low = 10_000;
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(first, out var start) && start > low + 1_000 ? (low, start) : (low, 32_768);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (low, 32_768);
        }
    }
}
