using System.Diagnostics;
using Npgsql;

namespace CityBrain.Testing;

/// <summary>
/// A private PostgreSQL server for tests and benchmarks: its own data directory and port on 127.0.0.1, started
/// with Debian's binaries (as the <c>postgres</c> user when running as root, since the server refuses root), and
/// removed on dispose. <see cref="FromEnvironmentOrStartAsync"/> uses <c>CITYBRAIN_PG</c> instead when it is set.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _binDirectory;
    private readonly string? _dataDirectory;
    private readonly int _port;
    private readonly bool _owned;

    private PostgresServer(string connectionString)
    {
        ConnectionString = connectionString;
        _owned = false;
    }

    private PostgresServer(string binDirectory, string dataDirectory, int port)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        _port = port;
        _owned = true;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    /// <summary>Connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>True when this process started the server (so it may stop it).</summary>
    public bool IsPrivate => _owned;

    /// <summary>The server named by <c>CITYBRAIN_PG</c>, or a private one started now.</summary>
    public static async Task<PostgresServer> FromEnvironmentOrStartAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CITYBRAIN_PG");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? await StartPrivateAsync() : new PostgresServer(fromEnvironment);
    }

    /// <summary>Starts a private server. <paramref name="fsync"/> off makes tests faster; benchmarks keep it on.</summary>
    public static async Task<PostgresServer> StartPrivateAsync(bool fsync = true)
    {
        var bin = FindBinDirectory();
        var data = Path.Combine(Path.GetTempPath(), "citybrain-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        if (IsRoot)
        {
            await RunAsync("chown", $"postgres:postgres {data}", asPostgres: false);
        }

        var server = new PostgresServer(bin, data, SiloProcess.FreePort());
        await RunAsync(Path.Combine(bin, "initdb"), $"-D {data} -U postgres --auth=trust -E UTF8 --no-sync --no-instructions", asPostgres: true);
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"),
            $"\nlisten_addresses = '127.0.0.1'\nport = {server._port}\nunix_socket_directories = '{data}'\nfsync = {(fsync ? "on" : "off")}\nmax_connections = 200\nshared_buffers = 256MB\n");
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts (or restarts) the private server and waits until it accepts connections.</summary>
    public Task StartAsync() => Control($"-D {_dataDirectory} -l {_dataDirectory}/server.log -w -t 60 start");

    /// <summary>Stops the private server (fast shutdown: open connections are cut).</summary>
    public Task StopAsync() => Control($"-D {_dataDirectory} -m fast -w -t 60 stop");

    /// <summary>Crashes the private server: an immediate shutdown (no checkpoint, connections cut), so that the next
    /// start runs crash recovery, as after a power loss of the database host. This process's pooled connections are
    /// dropped with it (the silos under test are other processes and find out for themselves).</summary>
    public async Task CrashAsync()
    {
        await Control($"-D {_dataDirectory} -m immediate -w -t 60 stop");
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "cb")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 60)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_owned)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        try
        {
            Directory.Delete(_dataDirectory!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task Control(string arguments)
    {
        if (!_owned)
        {
            throw new InvalidOperationException("Only a private server (no CITYBRAIN_PG) can be started or stopped by a test.");
        }

        return RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), arguments, asPostgres: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string FindBinDirectory()
    {
        const string Root = "/usr/lib/postgresql";
        var bin = Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "No PostgreSQL server found under /usr/lib/postgresql. Install it (apt-get install -y postgresql; scripts/test.sh does this) or set CITYBRAIN_PG to a server's connection string.");
    }


    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        var start = asPostgres && IsRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {arguments} failed with exit code {process.ExitCode}: {await error}{await output}");
        }
    }
}
