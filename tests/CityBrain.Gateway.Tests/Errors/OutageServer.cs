using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Storage;

namespace CityBrain.Gateway.Tests.Errors;

/// <summary>A server on a PostgreSQL server of its own, which the outage tests stop and start; after a failure the store
/// tries the database again after 50 ms (not the default second), so the test's retries soon reach it.</summary>
public sealed class OutageServer : GatewayServer
{
    protected override bool OwnPostgres => true;

    protected override void ConfigureStorage(StorageOptions options)
    {
        base.ConfigureStorage(options);
        options.RetryAfter = TimeSpan.FromMilliseconds(50);
    }
}
