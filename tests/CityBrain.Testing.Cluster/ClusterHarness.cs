using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using Grpc.Net.Client;
using Npgsql;

namespace CityBrain.Testing.Cluster;

/// <summary>
/// Several real silo processes forming one Orleans cluster on one PostgreSQL database (CITYBRAIN_PG, or a private
/// server), with the keys to talk to them: a signing key for API tokens, and gRPC clients per silo.
/// </summary>
public sealed partial class ClusterHarness : IAsyncDisposable
{
    private readonly PostgresServer _server;
    private readonly Dictionary<string, string> _settings;
    private readonly List<SiloProcess?> _silos = [];
    private readonly Dictionary<int, GrpcChannel> _channels = [];
    private readonly Dictionary<int, string> _departed = [];
    private readonly TokenIssuer _tokens;
    private readonly string? _cityFile;

    private ClusterHarness(PostgresServer server, string connectionString, Dictionary<string, string> settings, TokenIssuer tokens, string? cityFile)
    {
        _server = server;
        _cityFile = cityFile;
        ConnectionString = connectionString;
        _settings = settings;
        _tokens = tokens;
        FeedToken = tokens.Issue(new Actor { UserId = "load-feed", Role = Role.Feed, Source = LoadSource }, TimeSpan.FromHours(4));
        AdminToken = tokens.Issue(new Actor { UserId = "cluster-admin", Role = Role.Admin }, TimeSpan.FromHours(4));
    }

    /// <summary>The intake source of the harness's feed token.</summary>
    public const string LoadSource = "cluster-load";

    public string ConnectionString { get; }

    public string FeedToken { get; }

    public string AdminToken { get; }

    /// <summary>The silos by index; null once killed or stopped.</summary>
    public IReadOnlyList<SiloProcess?> Silos => _silos;

    public IEnumerable<int> LiveIndexes => Enumerable.Range(0, _silos.Count).Where(i => _silos[i] is not null);

    /// <summary>Starts <paramref name="count"/> silos (concurrently) and waits until each is ready.</summary>
    /// <param name="count">How many silos.</param>
    /// <param name="extraSettings">More configuration for every silo (e.g. a city file, lease times).</param>
    /// <param name="connectionString">A database to use instead of a fresh one.</param>
    /// <param name="acceptTarget">When set, the silos run the demo city with this default accept target (e.g. "4s"),
    /// so deadlines fall due within a run; the harness removes the city file when disposed.</param>
    /// <param name="perSilo">Settings for one silo (by index) over the others, e.g. a callback URL per silo; a silo
    /// restarted later gets only the common settings and the restart's overrides.</param>
    public static async Task<ClusterHarness> StartAsync(
        int count,
        IReadOnlyDictionary<string, string>? extraSettings = null,
        string? connectionString = null,
        string? acceptTarget = null,
        Func<int, IReadOnlyDictionary<string, string>>? perSilo = null)
    {
        var server = await PostgresServer.FromEnvironmentOrStartAsync();
        connectionString ??= await server.CreateDatabaseAsync("cluster");
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CityBrain:Storage:Database"] = "Postgres",
            ["CityBrain:Storage:ConnectionString"] = connectionString,
            ["CityBrain:Cluster:Enabled"] = "true",
            ["CityBrain:Cluster:ClusterId"] = "test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant(),
            ["CityBrain:Auth:SigningKey"] = signingKey,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans.Runtime.MembershipService"] = "Information",
            ["Logging:LogLevel:CityBrain.Storage.Deadlines"] = "Debug",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var cityFile = acceptTarget is null ? null : TestCity.WithAcceptTarget(acceptTarget);
        if (cityFile is not null)
        {
            settings["CityBrain:CityFile"] = cityFile;
        }

        var harness = new ClusterHarness(server, connectionString, settings, new TokenIssuer(new AuthOptions { SigningKey = signingKey }), cityFile);
        try
        {
            var starting = Enumerable.Range(0, count).Select(i => SiloProcess.StartAsync(perSilo is null ? settings : Merged(settings, perSilo(i)))).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                harness._silos.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            await harness.WaitForActiveMembersAsync(count);
            return harness;
        }
        catch
        {
            await harness.DisposeAsync(); // no process or server outlives a failed start
            throw;
        }
    }

    /// <summary>A token for another caller (e.g. a dispatcher).</summary>
    public string Token(Actor caller) => _tokens.Issue(caller, TimeSpan.FromHours(4));

    public EventIntake.EventIntakeClient Intake(int silo) => new(Channel(silo));

    public Query.QueryClient Query(int silo) => new(Channel(silo));

    /// <summary>One channel per silo; calls carry the feed token unless they set their own authorization header.</summary>
    public GrpcChannel Channel(int silo)
    {
        lock (_channels)
        {
            if (!_channels.TryGetValue(silo, out var channel))
            {
                var url = _silos[silo]?.GrpcUrl ?? throw new InvalidOperationException($"Silo {silo} is not running.");
                channel = GrpcChannel.ForAddress(url);
                _channels[silo] = channel;
            }

            return channel;
        }
    }

    /// <summary>Kills silo <paramref name="index"/> with SIGKILL and returns when the process is gone.</summary>
    public async Task KillAsync(int index)
    {
        var silo = _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        _silos[index] = null;
        DropChannel(index);
        await silo.KillAsync();
        _departed[index] = DepartedOutput(index) + silo.Output;
        await silo.DisposeAsync();
    }

    /// <summary>
    /// Stops silo <paramref name="index"/> the way an orchestrator does: first it takes the silo out of the set that
    /// clients send new calls to (as a load balancer does when readiness drops), waits until the clients' calls to it
    /// have ended (<paramref name="clientsDone"/>, what a Kubernetes preStop pause allows for), then sends SIGTERM (a
    /// graceful leave). Returns the exit code.
    /// </summary>
    public async Task<int> TerminateAsync(int index, Func<int, Task> clientsDone)
    {
        ArgumentNullException.ThrowIfNull(clientsDone);
        var silo = _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        _silos[index] = null;
        await clientsDone(index).WaitAsync(TimeSpan.FromSeconds(30));
        var exit = await silo.TerminateAsync();
        _departed[index] = DepartedOutput(index) + silo.Output;
        DropChannel(index);
        await silo.DisposeAsync();
        return exit;
    }

    /// <summary>What the silos stopped or killed in slot <paramref name="index"/> printed, oldest first (for a test's
    /// failure message).</summary>
    public string DepartedOutput(int index) => _departed.GetValueOrDefault(index, string.Empty);

    /// <summary>Starts a new silo process in slot <paramref name="index"/> (a new member: a new generation);
    /// <paramref name="whileStarting"/> runs beside its start-up (<see cref="SiloProcess.StartAsync"/>).</summary>
    public async Task RestartAsync(int index, IReadOnlyDictionary<string, string>? overrides = null, Func<SiloProcess, Task>? whileStarting = null)
    {
        if (_silos[index] is not null)
        {
            throw new InvalidOperationException($"Silo {index} is still running.");
        }

        _silos[index] = await SiloProcess.StartAsync(Merged(_settings, overrides), whileStarting: whileStarting);
    }

    private static Dictionary<string, string> Merged(IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? overrides)
    {
        var merged = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>Starts one more silo with different settings (e.g. through a proxy) and returns its index.</summary>
    public async Task<int> AddSiloAsync(IReadOnlyDictionary<string, string> overrides)
    {
        _silos.Add(null);
        await RestartAsync(_silos.Count - 1, overrides);
        return _silos.Count - 1;
    }

    /// <summary>Holds this cluster's joining silos in <c>Joining</c> until the hold is released (see <see cref="JoinHold"/>).</summary>
    public Task<JoinHold> HoldJoiningAsync() => JoinHold.StartAsync(ConnectionString, _settings["CityBrain:Cluster:ClusterId"]);

    /// <summary>The cluster's Orleans membership as the table holds it now.</summary>
    public async Task<IReadOnlyList<Member>> MembersAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Address, Port, Generation, SiloName, Status, StartTime, IAmAliveTime FROM OrleansMembershipTable WHERE DeploymentId = @cluster", connection);
        command.Parameters.AddWithValue("cluster", _settings["CityBrain:Cluster:ClusterId"]);
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<Member>();
        while (await reader.ReadAsync())
        {
            members.Add(new Member(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), (MemberStatus)reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return members;
    }

    /// <summary>Polls the membership table until exactly <paramref name="count"/> silos are active.</summary>
    public async Task<IReadOnlyList<Member>> WaitForActiveMembersAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var members = await MembersAsync();
            var active = members.Where(m => m.Status == MemberStatus.Active).ToList();
            if (active.Count == count)
            {
                return active;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} active silos, found {active.Count}: {string.Join(", ", members.Select(m => $"{m} {m.Status}"))}");
            }

            // The membership table is other processes' state: poll it.
            await Task.Delay(200);
        }
    }

    /// <summary>The newest member row of silo <paramref name="index"/> (matched by its silo port).</summary>
    public Member MemberOf(IReadOnlyList<Member> members, int index, SiloProcess? silo = null)
    {
        var process = silo ?? _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        return members.Where(m => m.Port == process.SiloPort).OrderByDescending(m => m.Generation).First();
    }

    /// <summary>The deadline shards whose activation silo <paramref name="index"/> has logged (it logs each at Debug).</summary>
    public IReadOnlySet<int> DeadlineShardsOn(int index)
    {
        var silo = _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        return ShardActivated().Matches(silo.Output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
    }

    [GeneratedRegex(@"Deadline shard (\d+) active")]
    private static partial Regex ShardActivated();

    /// <summary>The settings every silo starts with.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    private void DropChannel(int index)
    {
        lock (_channels)
        {
            if (_channels.Remove(index, out var channel))
            {
                channel.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels.Values)
            {
                channel.Dispose();
            }

            _channels.Clear();
        }

        foreach (var silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }

        await _server.DisposeAsync();
        if (_cityFile is not null)
        {
            File.Delete(_cityFile);
        }
    }
}
