using System.Globalization;
using Npgsql;

namespace CityBrain.Bench.Support;

/// <summary>
/// How many connections the cluster holds on PostgreSQL, sampled from <c>pg_stat_activity</c> every 200 ms on a
/// connection of its own (not counted): the peak overall and per pool (application name), against the server's
/// <c>max_connections</c>. Pools are per silo and the silos alike, so a pool's count over the live silos is about one
/// silo's share.
/// </summary>
internal sealed class ConnectionSampler : IAsyncDisposable
{
    private const string Query =
        "SELECT coalesce(application_name, ''), count(*)::int FROM pg_stat_activity "
        + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1";

    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _peakByPool = [];
    private readonly Task _sampling;
    private int _peak;
    private int _current;

    private ConnectionSampler(NpgsqlConnection connection, int maxConnections)
    {
        _connection = connection;
        MaxConnections = maxConnections;
        _sampling = SampleAsync();
    }

    public int MaxConnections { get; }

    public static async Task<ConnectionSampler> StartAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "bench-sampler" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('max_connections')::int", connection);
        return new ConnectionSampler(connection, (int)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>The peaks since the start or the last <see cref="Reset"/>, and the count at the last sample.</summary>
    public string Report()
    {
        lock (_lock)
        {
            var pools = string.Join(", ", _peakByPool.OrderByDescending(p => p.Value).Select(p => $"{(p.Key.Length == 0 ? "(unnamed)" : p.Key)} {p.Value}"));
            return string.Create(CultureInfo.InvariantCulture, $"connections: peak {_peak} of max_connections {MaxConnections} (per pool, peaks: {pools}); now {_current}");
        }
    }

    public int Peak
    {
        get
        {
            lock (_lock)
            {
                return _peak;
            }
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _peak = 0;
            _peakByPool.Clear();
        }
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            do
            {
                await using var command = new NpgsqlCommand(Query, _connection);
                await using var reader = await command.ExecuteReaderAsync(_stop.Token);
                var total = 0;
                var byPool = new List<(string Pool, int Count)>();
                while (await reader.ReadAsync(_stop.Token))
                {
                    byPool.Add((reader.GetString(0), reader.GetInt32(1)));
                    total += reader.GetInt32(1);
                }

                lock (_lock)
                {
                    _current = total;
                    _peak = Math.Max(_peak, total);
                    foreach (var (pool, count) in byPool)
                    {
                        _peakByPool[pool] = Math.Max(_peakByPool.GetValueOrDefault(pool), count);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (NpgsqlException exception)
        {
            BenchHost.Progress($"  connection sampler stopped: {exception.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
