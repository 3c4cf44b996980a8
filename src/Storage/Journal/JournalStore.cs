using System.Data.Common;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Schema;
using CityBrain.Storage.Sql;
using Microsoft.Extensions.Logging;

namespace CityBrain.Storage.Journal;

/// <summary>
/// The journal store on ADO.NET (PostgreSQL or SQLite, one code path; differences in <see cref="SqlDialect"/>):
/// journal appends with their feed entries and deadline changes go through group commit — every append waiting when a
/// writer loop is free goes into one transaction — and complete only after that transaction committed. Reads go
/// straight to the database (journal loads grouped the same way on PostgreSQL). While the database is unreachable,
/// calls fail fast with <see cref="StorageUnavailableException"/> and the store retries by itself.
/// </summary>
internal sealed partial class JournalStore : IAsyncDisposable
{
    private const int MaxReadBatch = 256;
    private const int MaxBatchAttempts = 3;
    private const int LoadBatches = 2;
    private readonly DbDataSource _dataSource;
    private readonly SemaphoreSlim _connections;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StorageCircuit _circuit;
    private readonly BatchingQueue<PendingAppend> _writer;
    private readonly BatchingQueue<PendingLoad>? _loader;
    private TaskCompletionSource _written = NewSignal();
    private TaskCompletionSource _outboxWritten = NewSignal();

    public JournalStore(StorageOptions options, BackgroundClock clock, ILogger<JournalStore> logger)
    {
        Dialect = SqlDialect.For(options.Database);
        // Commits and journal loads run on loops of their own (at most MaxConcurrentBatches and LoadBatches at once) and keep
        // that many connections; the other calls (feed readers, outbox, queries) share the rest, so an intake's commit
        // never queues behind them.
        // (The options' validator keeps MaxConnections, or a pool size in the connection string, above what they keep.)
        var batches = Dialect.MaxConcurrentBatches + (Dialect.ReadJournalsBatchSql is null ? 0 : LoadBatches);
        MaxConnections = ConnectionBudget.StoreConnections(options);
        _connections = new SemaphoreSlim(MaxConnections - batches, MaxConnections - batches);
        _dataSource = Dialect.CreateDataSource(options.ConnectionString, "citybrain", MaxConnections + ConnectionBudget.ProbeHeadroom, out var description);
        Description = description;
        _time = clock.Time;
        _logger = logger;
        _circuit = new StorageCircuit(clock.Time, options.RetryAfter, description);
        _writer = new BatchingQueue<PendingAppend>(Dialect.MaxConcurrentBatches, options.MaxBatchSize, CommitBatchAsync, static (pending, error) => pending.TrySetException(error));
        if (Dialect.ReadJournalsBatchSql is not null)
        {
            _loader = new BatchingQueue<PendingLoad>(LoadBatches, MaxReadBatch, LoadBatchAsync, static (pending, error) => pending.TrySetException(error));
        }
    }

    public SqlDialect Dialect { get; }

    /// <summary>Where the store points, without secrets (e.g. "PostgreSQL 127.0.0.1:5432/citybrain").</summary>
    public string Description { get; }

    /// <summary>Most connections the store uses at once (<see cref="ConnectionBudget.StoreConnections"/>), those of the
    /// commit and load loops included; its pool holds one more, for the health probe.</summary>
    public int MaxConnections { get; }

    /// <summary>Appends waiting for a commit batch.</summary>
    public int Queued => _writer.Queued;

    /// <summary>Applies the schema scripts the database lacks.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await new SchemaMigrator(Dialect, _dataSource, _time, _logger).ApplyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Dialect.IsUnavailable(exception))
        {
            throw _circuit.Trip(exception);
        }
    }

    /// <summary>Commits the request in the next group-commit transaction: true when durable, false when another writer
    /// appended first (nothing of the request was written).</summary>
    public Task<bool> CommitAsync(AppendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _circuit.ThrowIfOpen();
        var pending = new PendingAppend(request);
        _writer.Enqueue(pending);
        return pending.Task;
    }

    /// <summary>The latest snapshot of a journal and the events after it.</summary>
    public Task<JournalLoad> LoadAsync(StoredGrain grain, CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        if (_loader is null)
        {
            return ReadAsync(async (connection, cancellationToken) =>
            {
                var command = GrainCommand(connection, SqlText.ReadJournal, grain);
                await using var commandScope = command.ConfigureAwait(false);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                StoredSnapshot? snapshot = null;
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    snapshot = new StoredSnapshot(reader.GetInt64(0), ReadPayload(reader, 1));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                return new JournalLoad(snapshot, await ReadEventRowsAsync(reader, 0, cancellationToken).ConfigureAwait(false));
            }, cancellationToken);
        }

        var pending = new PendingLoad(grain);
        _loader.Enqueue(pending);
        return pending.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Up to <paramref name="maxCount"/> journal events after <paramref name="afterSequence"/>, oldest first.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(StoredGrain grain, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredEvent>>(async (connection, cancellationToken) =>
        {
            var command = GrainCommand(connection, SqlText.ReadEvents, grain);
            await using var commandScope = command.ConfigureAwait(false);
            SqlText.Add(command, "q", afterSequence);
            SqlText.Add(command, "n", (long)maxCount);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await ReadEventRowsAsync(reader, 0, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Why the database is known to be unreachable — where it is and the last connection failure, until a call
    /// or a probe succeeds — or null.</summary>
    public string? UnreachableReason => _circuit.LastError is { } error ? $"{Description}: {error}" : null;

    /// <summary>While the database is known to be unreachable, a task that completes when it answers again; null while
    /// it answers (see <see cref="StorageCircuit.WhenClosed"/>).</summary>
    public Task? WhenReachableAgain => _circuit.WhenClosed;

    /// <summary>Completes when a call or a probe finds the database unreachable (at once while it is known to be);
    /// see <see cref="StorageCircuit.WhenOpened"/>.</summary>
    public Task WhenUnreachable => _circuit.WhenOpened;

    /// <summary>Asks the database a trivial question, bypassing the fail-fast window: a success closes the circuit, a
    /// failure, or no answer within <paramref name="timeout"/>, opens it.</summary>
    public async Task ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(limit.Token).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(limit.Token).ConfigureAwait(false);
            _circuit.Reset();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure of SELECT 1 means the database cannot serve; a connection failure also empties the pool.
            if (Dialect.IsUnavailable(exception))
            {
                Dialect.ClearPool(_dataSource);
            }

            _circuit.Trip(exception is OperationCanceledException ? new TimeoutException($"no answer within {timeout.TotalSeconds:0.#} s") : exception);
        }
    }

    /// <summary>The server's connection limit, its reserved slots, the client connections now and the silos active in the
    /// membership table; null where the database has no such limit.</summary>
    public async Task<(int MaxConnections, int Reserved, int InUse, int ActiveSilos)?> ReadConnectionLimitsAsync(CancellationToken cancellationToken)
    {
        if (Dialect.ConnectionLimitsSql is not { } sql)
        {
            return null;
        }

        return await ReadAsync(async (connection, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = sql;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a read on a pooled connection, classifying connection failures.</summary>
    private async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        try
        {
            var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var leaseScope = lease.ConfigureAwait(false);
            var result = await read(lease.Connection, cancellationToken).ConfigureAwait(false);
            _circuit.Reset();
            return result;
        }
        catch (Exception exception)
        {
            throw Classify(exception);
        }
    }

    private static DbCommand GrainCommand(DbConnection connection, string sql, StoredGrain grain)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        SqlText.Add(command, "t", grain.Type);
        SqlText.Add(command, "k", grain.Key);
        return command;
    }

    /// <summary>A payload stored as three columns from <paramref name="ordinal"/>: schema version, format, bytes.</summary>
    private static Payload ReadPayload(DbDataReader reader, int ordinal) =>
        new(reader.GetInt32(ordinal), (PayloadFormat)reader.GetInt16(ordinal + 1), reader.GetFieldValue<byte[]>(ordinal + 2));

    /// <summary>Event rows (seq, recorded_at, schema_version, format, payload) from column <paramref name="first"/> on.</summary>
    private async Task<IReadOnlyList<StoredEvent>> ReadEventRowsAsync(DbDataReader reader, int first, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new StoredEvent(reader.GetInt64(first), Dialect.ReadTime(reader, first + 1), ReadPayload(reader, first + 2)));
        }

        return events;
    }

    /// <summary>
    /// Opens a pooled connection for a call once one of the places the commit and load loops leave is free. Callers
    /// beyond wait here, not in the driver's pool: a wait there ends after the connect timeout with an error the store
    /// would take for an outage of the database. The commit and load loops open theirs from the pool directly: they bound
    /// how many run at once, and the pool is sized for them.
    /// </summary>
    private async Task<ConnectionLease> OpenAsync(CancellationToken cancellationToken)
    {
        await _connections.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new ConnectionLease(await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false), _connections);
        }
        catch
        {
            _connections.Release();
            throw;
        }
    }

    /// <summary>A connection from <see cref="OpenAsync"/>: disposing it returns the connection to the pool, then its place.</summary>
    private sealed class ConnectionLease(DbConnection connection, SemaphoreSlim places) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Connection.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                places.Release();
            }
        }
    }

    /// <summary>Turns a connection failure into <see cref="StorageUnavailableException"/> and opens the circuit.</summary>
    private Exception Classify(Exception exception)
    {
        if (exception is StorageUnavailableException or OperationCanceledException)
        {
            return exception;
        }

        if (Dialect.IsUnavailable(exception))
        {
            Dialect.ClearPool(_dataSource);
            return _circuit.Trip(exception);
        }

        return exception;
    }

    public async ValueTask DisposeAsync()
    {
        if (_loader is not null)
        {
            await _loader.DisposeAsync().ConfigureAwait(false);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _connections.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class PendingAppend(AppendRequest request) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public AppendRequest Request { get; } = request;

        /// <summary>The appending caller's span (its trace continues in the batch).</summary>
        public System.Diagnostics.ActivityContext Caller { get; } = StorageTelemetry.Caller();
    }

    private sealed class PendingLoad(StoredGrain grain) : TaskCompletionSource<JournalLoad>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public StoredGrain Grain { get; } = grain;

        /// <summary>The loading caller's span (its trace continues in the batch).</summary>
        public System.Diagnostics.ActivityContext Caller { get; } = StorageTelemetry.Caller();
    }
}
