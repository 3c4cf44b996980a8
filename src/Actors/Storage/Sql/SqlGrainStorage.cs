using System.Data.Common;
using System.Runtime.CompilerServices;
using CityBrain.Actors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CityBrain.Actors.Storage.Sql;

/// <summary>Grain storage on ADO.NET: one code path for PostgreSQL and SQLite, with the differences in
/// <see cref="SqlDialect"/>. Reads go straight to the database; writes go through <see cref="GroupCommitWriter"/>.</summary>
internal sealed partial class SqlGrainStorage : IGrainStorage
{
    private const int MaxBatchAttempts = 3;
    private readonly SqlDialect _dialect;
    private readonly DbDataSource _dataSource;
    private readonly IReadOnlyList<MigrationSet> _migrations;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ActorsMetrics _metrics;
    private readonly StorageCircuit _circuit;
    private readonly GroupCommitWriter _writer;
    private readonly string? _fenceSiloId;
    private readonly GroupReader<StoredState?>? _stateReader;
    private readonly GroupReader<JournalLoad>? _journalReader;

    public SqlGrainStorage(
        SqlDialect dialect,
        StorageOptions options,
        IReadOnlyList<MigrationSet> migrations,
        TimeProvider time,
        ILogger logger,
        ActorsMetrics metrics,
        string applicationName,
        string? fenceSiloId)
    {
        _dialect = dialect;
        _fenceSiloId = fenceSiloId;
        _dataSource = dialect.CreateDataSource(options.ConnectionString, applicationName, out var description);
        Description = description;
        _migrations = migrations;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _circuit = new StorageCircuit(time, options.RetryAfter, description);
        _writer = new GroupCommitWriter(dialect.MaxConcurrentBatches, options.MaxBatchSize, CommitBatchAsync);
        if (dialect.ReadStatesBatchSql is not null && dialect.ReadJournalsBatchSql is not null)
        {
            _stateReader = new GroupReader<StoredState?>(2, MaxReadBatch, ReadStatesBatchAsync);
            _journalReader = new GroupReader<JournalLoad>(2, MaxReadBatch, ReadJournalsBatchAsync);
        }
        metrics.ObserveStorageQueue(() => _writer.Queued);
    }

    public string Description { get; }

    public SqlDialect Dialect => _dialect;

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await new MigrationRunner(_dialect, _dataSource, _migrations, _time, _logger).ApplyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (_dialect.IsUnavailable(exception))
        {
            throw _circuit.Trip(exception);
        }
    }

    public Task<bool> CommitAsync(WriteGroup group, CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        return _writer.CommitAsync(group);
    }

    public Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken) =>
        _stateReader is not null ? ReadGroupedAsync(_stateReader, grain, cancellationToken) : ReadStateAloneAsync(grain, cancellationToken);

    public Task<JournalLoad> ReadJournalAsync(GrainId grain, CancellationToken cancellationToken) =>
        _journalReader is not null ? ReadGroupedAsync(_journalReader, grain, cancellationToken) : ReadJournalAloneAsync(grain, cancellationToken);

    private Task<StoredState?> ReadStateAloneAsync(GrainId grain, CancellationToken cancellationToken) =>
        ReadAsync(grain, static async (connection, grain, cancellationToken) =>
        {
            var command = Command(connection, SqlText.ReadState, grain);
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var version = reader.GetInt64(0);
            Payload? payload = reader.IsDBNull(3)
                ? null
                : ReadPayload(reader, 1);
            return new StoredState(version, payload);
        }, cancellationToken);

    private Task<JournalLoad> ReadJournalAloneAsync(GrainId grain, CancellationToken cancellationToken) =>
        ReadAsync(grain, async (connection, grain, cancellationToken) =>
        {
            var command = Command(connection, SqlText.ReadJournal, grain);
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            StoredSnapshot? snapshot = null;
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                snapshot = new StoredSnapshot(reader.GetInt64(0), ReadPayload(reader, 1));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return new JournalLoad(snapshot, await ReadEventRowsAsync(reader, cancellationToken).ConfigureAwait(false));
        }, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(GrainId grain, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync(grain, (connection, grain, cancellationToken) => ReadEventsAsync(connection, grain, afterSequence, maxCount, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(DbConnection connection, GrainId grain, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        var command = Command(connection, SqlText.ReadEvents, grain);
        await using var commandScope = command.ConfigureAwait(false);
        SqlText.Add(command, "q", afterSequence);
        SqlText.Add(command, "n", (long)maxCount);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await ReadEventRowsAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A payload stored as three columns from <paramref name="ordinal"/>: schema version, format, bytes.</summary>
    private static Payload ReadPayload(DbDataReader reader, int ordinal) =>
        new(reader.GetInt32(ordinal), (PayloadFormat)reader.GetInt16(ordinal + 1), reader.GetFieldValue<byte[]>(ordinal + 2));

    private async Task<IReadOnlyList<StoredEvent>> ReadEventRowsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new StoredEvent(
                reader.GetInt64(0),
                _dialect.ReadTime(reader, 1),
                ReadPayload(reader, 2)));
        }

        return events;
    }

    public async IAsyncEnumerable<StoredTimer> ReadTimersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        DbConnection connection;
        DbDataReader reader;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            command.CommandText = SqlText.ReadTimers;
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            throw Classify(exception);
        }

        await using (connection)
        await using (reader)
        {
            while (true)
            {
                StoredTimer timer;
                try
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    var period = reader.IsDBNull(4) ? (TimeSpan?)null : TimeSpan.FromMilliseconds(reader.GetInt64(4));
                    timer = new StoredTimer(new GrainId(reader.GetString(0), reader.GetString(1)), reader.GetString(2), _dialect.ReadTime(reader, 3), period);
                }
                catch (Exception exception)
                {
                    throw Classify(exception);
                }

                yield return timer;
            }
        }
    }

    private async Task<T> ReadAsync<T>(GrainId grain, Func<DbConnection, GrainId, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        var started = _time.GetTimestamp();
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var result = await read(connection, grain, cancellationToken).ConfigureAwait(false);
            _circuit.Reset();
            return result;
        }
        catch (Exception exception)
        {
            throw Classify(exception);
        }
        finally
        {
            _metrics.StorageRead(_time.GetElapsedTime(started));
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, GrainId grain)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        SqlText.Add(command, "t", grain.Type);
        SqlText.Add(command, "k", grain.Key);
        return command;
    }

    /// <summary>Turns a connection failure into <see cref="StorageUnavailableException"/> and opens the circuit.</summary>
    private Exception Classify(Exception exception)
    {
        if (exception is StorageUnavailableException or OperationCanceledException)
        {
            return exception;
        }

        if (_dialect.IsUnavailable(exception))
        {
            _dialect.ClearPool(_dataSource);
            return _circuit.Trip(exception);
        }

        return exception;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stateReader is not null)
        {
            await _stateReader.DisposeAsync().ConfigureAwait(false);
            await _journalReader!.DisposeAsync().ConfigureAwait(false);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
