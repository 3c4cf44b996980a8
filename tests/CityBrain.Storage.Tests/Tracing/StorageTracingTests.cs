using System.Data.Common;
using System.Diagnostics;
using CityBrain.Storage.Sql;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Storage.Tests.Tracing;

/// <summary>The store's batches and statements are traced within a recorded trace only.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class StorageTracingTests(DatabaseFixture database)
{
    [Fact]
    public async Task Statement_OutsideARecordedTrace_StartsNoActivity()
    {
        // A tracer that drops a root still asks for a propagation-only activity: every statement of the store's loops had one.
        await using var dataSource = await DataSourceAsync();
        await SelectOneAsync(dataSource); // opens the pooled connection (Npgsql traces a physical open apart, unfiltered)
        using var watched = new FlowActivities(source => source == "Npgsql", ActivitySamplingResult.PropagationData);

        await SelectOneAsync(dataSource);

        Assert.Empty(watched.Started);
    }

    [Fact]
    public async Task Statement_InARecordedTrace_IsTracedUnderIt()
    {
        await using var dataSource = await DataSourceAsync();
        await SelectOneAsync(dataSource);
        using var watched = new FlowActivities(source => source == "Npgsql", ActivitySamplingResult.AllDataAndRecorded);
        using var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C)
            .SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();

        await SelectOneAsync(dataSource);

        Assert.Equal(caller.SpanId, Assert.Single(watched.Started).ParentSpanId);
    }

    [Fact]
    public void Batch_OfCallersWithoutARecordedSpan_StartsNoActivity()
    {
        using var watched = new FlowActivities(source => source == StorageTelemetry.ActivitySourceName, ActivitySamplingResult.AllDataAndRecorded);

        var batch = StorageTelemetry.StartBatch("journal commit", [default(ActivityContext), default], static context => context);

        Assert.Null(batch);
        Assert.Empty(watched.Started);
    }

    private async Task<DbDataSource> DataSourceAsync() =>
        new PostgresDialect().CreateDataSource(await database.NewDatabaseAsync(DatabaseKind.Postgres), "storage-tracing-test", 2, out _);

    private static async Task SelectOneAsync(DbDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }
}
