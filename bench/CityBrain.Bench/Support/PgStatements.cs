using System.Globalization;
using System.Text;
using CityBrain.Testing;
using Npgsql;

namespace CityBrain.Bench.Support;

/// <summary>
/// Where PostgreSQL's time goes, by statement: with <c>CITYBRAIN_PG_STATEMENTS=1</c> and a private server, the server is
/// restarted with pg_stat_statements, and a phase can print its statements by total execution time. It costs the
/// server a little, so figures of such a run are for the shares, not the rates.
/// </summary>
internal sealed class PgStatements
{
    private readonly string _connectionString;

    private PgStatements(string connectionString) => _connectionString = connectionString;

    /// <summary>A recorder when <c>CITYBRAIN_PG_STATEMENTS=1</c> (and the server is ours to restart), else null.</summary>
    public static async Task<PgStatements?> FromEnvironmentAsync(PostgresServer server, string connectionString)
    {
        if (Environment.GetEnvironmentVariable("CITYBRAIN_PG_STATEMENTS") != "1" || !server.IsPrivate)
        {
            return null;
        }

        await ExecuteAsync(server.ConnectionString, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
        NpgsqlConnection.ClearAllPools();
        await server.StopAsync();
        await server.StartAsync();
        await ExecuteAsync(connectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        BenchHost.Progress("pg_stat_statements on (CITYBRAIN_PG_STATEMENTS=1): read the shares, not the rates");
        return new PgStatements(connectionString);
    }

    public Task ResetAsync() => ExecuteAsync(_connectionString, "SELECT pg_stat_statements_reset()");

    /// <summary>The statements by total execution time since the last reset, per <paramref name="operations"/>.</summary>
    public async Task<string> ReportAsync(double operations, int top = 12)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var text = new StringBuilder("  PostgreSQL statements by execution time (µs per operation, calls per operation, rows per call):");
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_statements", connection))
        {
            text.Append(CultureInfo.InvariantCulture, $" [{await count.ExecuteScalarAsync()} statements]");
        }

        await using var command = new NpgsqlCommand(
            "SELECT calls, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT @top", connection);
        command.Parameters.AddWithValue("top", top);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var calls = reader.GetInt64(0);
            var query = reader.GetString(3);
            text.Append(CultureInfo.InvariantCulture,
                $"\n    {reader.GetDouble(1) * 1000 / operations,8:F1} µs {calls / operations,7:F3} {reader.GetInt64(2) / (double)Math.Max(1, calls),7:F1}  {query[..Math.Min(150, query.Length)]}");
        }

        return text.ToString();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
