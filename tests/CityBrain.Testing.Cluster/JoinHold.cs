using Npgsql;

namespace CityBrain.Testing.Cluster;

/// <summary>
/// Keeps the silos of one cluster that are joining in <c>Joining</c> until it is released: the membership table refuses
/// a member's move from Joining to Active (a trigger in the test's own database), Orleans' join retries the move after
/// a back-off (1 s and more), and succeeds on the first try after the release. A test that must act on a silo while it
/// joins (freeze it, say) then waits for that state instead of racing a window that lasts milliseconds on a fast
/// machine. Every other change of the table (heartbeats, suspicions, a death) passes as before.
/// </summary>
public sealed class JoinHold : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _clusterId;
    private bool _released;

    private JoinHold(string connectionString, string clusterId)
    {
        _connectionString = connectionString;
        _clusterId = clusterId;
    }

    internal static async Task<JoinHold> StartAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            CREATE TABLE IF NOT EXISTS test_join_holds (deployment_id text PRIMARY KEY);
            CREATE OR REPLACE FUNCTION test_refuse_held_join() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF OLD.status = {(int)MemberStatus.Joining} AND NEW.status = {(int)MemberStatus.Active}
                   AND EXISTS (SELECT 1 FROM test_join_holds WHERE deployment_id = NEW.deploymentid) THEN
                    RAISE EXCEPTION 'silo %:% is held in Joining by the test', NEW.address, NEW.port;
                END IF;
                RETURN NEW;
            END $f$;
            CREATE OR REPLACE TRIGGER test_join_hold BEFORE UPDATE ON orleansmembershiptable
                FOR EACH ROW EXECUTE FUNCTION test_refuse_held_join();
            INSERT INTO test_join_holds (deployment_id) VALUES (@cluster) ON CONFLICT DO NOTHING;
            """, connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        await command.ExecuteNonQueryAsync();
        return new JoinHold(connectionString, clusterId);
    }

    /// <summary>Lets the held silos become active (at their next try).</summary>
    public async Task ReleaseAsync()
    {
        if (_released)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM test_join_holds WHERE deployment_id = @cluster", connection);
        command.Parameters.AddWithValue("cluster", _clusterId);
        await command.ExecuteNonQueryAsync();
        _released = true;
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync();
}
