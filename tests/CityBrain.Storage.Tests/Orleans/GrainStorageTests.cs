using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Storage.Tests.Schema;
using Orleans.Storage;

namespace CityBrain.Storage.Tests.Orleans;

/// <summary>Orleans' AdoNetGrainStorage against our persistence scripts: the ETag protocol and the row key.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class GrainStorageTests(DatabaseFixture databases)
{
    private const string StateName = "note";

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_ThenRead_ReturnsStateAndETag(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var written = State("first");

        await storage.WriteStateAsync(StateName, grain, written);
        var read = State("");
        await storage.ReadStateAsync(StateName, grain, read);

        Assert.Equal("first", TextOf(read));
        Assert.True(read.RecordExists);
        Assert.False(string.IsNullOrEmpty(written.ETag));
        Assert.Equal(written.ETag, read.ETag);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadState_NoRow_NoRecordAndNoETag(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var read = State("left over");

        await storage.ReadStateAsync(StateName, GrainId.Create("note", "never-written"), read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal("", TextOf(read));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_CurrentETag_Succeeds(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var state = State("first");
        await storage.WriteStateAsync(StateName, grain, state);
        var firstETag = state.ETag;

        state.State = new NoteState { Text = "second" };
        await storage.WriteStateAsync(StateName, grain, state);

        Assert.NotEqual(firstETag, state.ETag);
        Assert.Equal("second", TextOf(await ReadAsync(storage, grain)));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_StaleETag_ThrowsInconsistentStateAndKeepsRow(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var first = State("first");
        await storage.WriteStateAsync(StateName, grain, first);
        var stale = State("stale");
        stale.ETag = first.ETag;
        first.State = new NoteState { Text = "second" };
        await storage.WriteStateAsync(StateName, grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));

        Assert.Equal("second", TextOf(await ReadAsync(storage, grain)));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_NoETagButRowExists_ThrowsInconsistentState(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        await storage.WriteStateAsync(StateName, grain, State("first"));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, State("second activation")));

        Assert.Equal("first", TextOf(await ReadAsync(storage, grain)));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_ETagOfDeletedRow_ThrowsInconsistentStateAndCreatesNothing(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var orphan = State("orphan");
        orphan.ETag = "7";

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, orphan));

        Assert.False((await ReadAsync(storage, grain)).RecordExists);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ClearState_ThenRead_NoRecordAndWriteAfterClearSucceeds(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var state = State("first");
        await storage.WriteStateAsync(StateName, grain, state);

        await storage.ClearStateAsync(StateName, grain, state);
        var afterClear = await ReadAsync(storage, grain);
        state.State = new NoteState { Text = "after clear" };
        await storage.WriteStateAsync(StateName, grain, state);

        Assert.False(afterClear.RecordExists);
        Assert.Equal("", TextOf(afterClear));
        var final = await ReadAsync(storage, grain);
        Assert.True(final.RecordExists);
        Assert.Equal("after clear", TextOf(final));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ClearState_Read_ShowsNoRecordButKeepsVersion(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var state = State("first");
        await storage.WriteStateAsync(StateName, grain, state);
        var written = state.ETag;

        await storage.ClearStateAsync(StateName, grain, state);
        var read = await ReadAsync(storage, grain);

        Assert.False(read.RecordExists);
        Assert.Equal("", TextOf(read));
        Assert.NotNull(read.ETag);
        Assert.NotEqual(written, read.ETag);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ClearState_StaleETag_ThrowsInconsistentStateAndKeepsState(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var grain = GrainId.Create("note", "incident-1");
        var state = State("first");
        await storage.WriteStateAsync(StateName, grain, state);
        // An activation that read the first version (with a record, so the provider clears without reading again).
        var stale = State("first");
        stale.ETag = state.ETag;
        stale.RecordExists = true;
        state.State = new NoteState { Text = "second" };
        await storage.WriteStateAsync(StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale));

        Assert.Equal("second", TextOf(await ReadAsync(storage, grain)));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ClearState_DeleteStateOnClear_RemovesRowAndNextWriteInserts(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        var storage = await AdoNetProviders.StartGrainStorageAsync(kind, connection, "svc", deleteStateOnClear: true);
        var grain = GrainId.Create("note", "incident-1");
        var state = State("first");
        await storage.WriteStateAsync(StateName, grain, state);

        await storage.ClearStateAsync(StateName, grain, state);
        var rowsAfterClear = await SchemaMigratorTests.ScalarAsync(kind, connection, "SELECT count(*) FROM OrleansStorage");
        state.State = new NoteState { Text = "again" };
        await storage.WriteStateAsync(StateName, grain, state);

        Assert.Equal(0, rowsAfterClear);
        Assert.Equal("again", TextOf(await ReadAsync(storage, grain)));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ClearState_DeleteStateOnClearStaleETag_ThrowsInconsistentStateAndKeepsRow(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        var storage = await AdoNetProviders.StartGrainStorageAsync(kind, connection, "svc", deleteStateOnClear: true);
        var grain = GrainId.Create("note", "incident-1");
        var state = State("first");
        await storage.WriteStateAsync(StateName, grain, state);
        var stale = State("first");
        stale.ETag = state.ETag;
        stale.RecordExists = true;
        await storage.WriteStateAsync(StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale));

        Assert.True((await ReadAsync(storage, grain)).RecordExists);
    }

    /// <summary>Two activations of one grain (e.g. on two silos during a membership change) both make the first
    /// write: the row key is unique, so exactly one wins and the other sees a version conflict, not a database error.
    /// The integer keys have no extension string, the NULL a unique key must not let through twice.</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_TwoConcurrentFirstWrites_OneSucceedsOneConflictsAndOneRow(DatabaseKind kind)
    {
        const int Grains = 20;
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        var first = await AdoNetProviders.StartGrainStorageAsync(kind, connection, "svc");
        var second = await AdoNetProviders.StartGrainStorageAsync(kind, connection, "svc");

        var outcomes = await Task.WhenAll(Enumerable.Range(1, Grains).Select(key =>
        {
            var grain = GrainId.Create(GrainType.Create("note"), GrainIdKeyExtensions.CreateIntegerKey(key));
            return Task.WhenAll(TryWriteAsync(first, grain, "from first"), TryWriteAsync(second, grain, "from second"));
        }));

        Assert.All(outcomes, writes =>
        {
            Assert.Single(writes, error => error is null);
            Assert.IsType<InconsistentStateException>(writes.Single(error => error is not null));
        });
        Assert.Equal(Grains, await SchemaMigratorTests.ScalarAsync(kind, connection, "SELECT count(*) FROM OrleansStorage"));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_KeyExtensions_AreSeparateRowsFromTheBareKey(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var id = Guid.NewGuid();
        var bare = GrainId.Create(GrainType.Create("note"), GrainIdKeyExtensions.CreateGuidKey(id));
        var extended = GrainId.Create(GrainType.Create("note"), GrainIdKeyExtensions.CreateGuidKey(id, "east"));

        await storage.WriteStateAsync(StateName, bare, State("bare"));
        await storage.WriteStateAsync(StateName, extended, State("east"));

        Assert.Equal("bare", TextOf(await ReadAsync(storage, bare)));
        Assert.Equal("east", TextOf(await ReadAsync(storage, extended)));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_OtherServiceOrStateName_AreSeparateRows(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        var storage = await AdoNetProviders.StartGrainStorageAsync(kind, connection, "svc");
        var otherService = await AdoNetProviders.StartGrainStorageAsync(kind, connection, "other-svc");
        var grain = GrainId.Create("note", "incident-1");

        await storage.WriteStateAsync(StateName, grain, State("note"));
        await storage.WriteStateAsync("other-note", grain, State("other note"));
        await otherService.WriteStateAsync(StateName, grain, State("other service"));

        Assert.Equal("note", TextOf(await ReadAsync(storage, grain)));
        Assert.Equal("other service", TextOf(await ReadAsync(otherService, grain)));
        Assert.Equal(3, await SchemaMigratorTests.ScalarAsync(kind, connection, "SELECT count(*) FROM OrleansStorage"));
    }

    /// <summary>dotnet/orleans#8746: the row key is (service, state name, grain key); the grain type is not in it.
    /// Two grain classes that use one state name and the same key read and overwrite each other's state, which is why
    /// every CityBrain grain class must name its state after itself. (AdoNetSiloTests shows the same through grains.)</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadState_OtherGrainTypeSameStateNameAndKey_ReadsItsState(DatabaseKind kind)
    {
        var storage = await StartAsync(kind);
        var incident = GrainId.Create("incidentnote", "42-east");
        var unit = GrainId.Create("unitnote", "42-east");

        await storage.WriteStateAsync(StateName, incident, State("written by the incident grain"));
        var read = await ReadAsync(storage, unit);

        Assert.True(read.RecordExists);
        Assert.Equal("written by the incident grain", TextOf(read));
    }

    private async Task<AdoNetGrainStorage> StartAsync(DatabaseKind kind) =>
        await AdoNetProviders.StartGrainStorageAsync(kind, await databases.NewMigratedDatabaseAsync(kind), "svc");

    private static GrainState<NoteState> State(string text) => new(new NoteState { Text = text });

    private static string? TextOf(GrainState<NoteState> state) => state.State?.Text;

    private static async Task<GrainState<NoteState>> ReadAsync(AdoNetGrainStorage storage, GrainId grain)
    {
        var state = State("");
        await storage.ReadStateAsync(StateName, grain, state);
        return state;
    }

    private static async Task<Exception?> TryWriteAsync(AdoNetGrainStorage storage, GrainId grain, string text)
    {
        try
        {
            await storage.WriteStateAsync(StateName, grain, State(text));
            return null;
        }
        catch (Exception error)
        {
            return error;
        }
    }
}
