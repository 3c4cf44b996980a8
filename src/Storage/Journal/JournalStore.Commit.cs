using System.Data.Common;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Sql;

namespace CityBrain.Storage.Journal;

internal sealed partial class JournalStore
{
    /// <summary>
    /// Commits a batch of requests in one transaction. Phase 1 inserts each append's first event; an insert that finds
    /// its position taken is a conflict for that request alone. Phase 2 writes the rest of the requests that passed
    /// (further events, snapshots, feed rows). One commit then makes all of it durable. Where the dialect has bulk
    /// statements, each phase writes a table's rows with one statement.
    /// </summary>
    private async Task CommitBatchAsync(List<PendingAppend> batch)
    {
        using var activity = StorageTelemetry.StartBatch("journal commit", batch, static p => p.Caller);
        Exception? failure = null;
        bool[]? results = null;
        for (var attempt = 1; attempt <= MaxBatchAttempts; attempt++)
        {
            try
            {
                _circuit.ThrowIfOpen();
                results = await ExecuteBatchAsync(batch).ConfigureAwait(false);
                _circuit.Reset();
                failure = null;
                break;
            }
            catch (Exception exception) when (attempt < MaxBatchAttempts && Dialect.IsRetryable(exception))
            {
                StorageLog.BatchRetried(_logger, exception, batch.Count, attempt);
            }
            catch (Exception exception)
            {
                failure = Classify(exception);
                break;
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (failure is not null)
            {
                batch[i].TrySetException(failure);
            }
            else
            {
                batch[i].TrySetResult(results![i]);
            }
        }
    }

    private async Task<bool[]> ExecuteBatchAsync(List<PendingAppend> batch)
    {
        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await Dialect.PrepareWriteConnectionAsync(connection, CancellationToken.None).ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        var ok = new bool[batch.Count];
        await InsertFirstEventsAsync(connection, transaction, batch, ok).ConfigureAwait(false);

        var dependent = new StatementList();
        var mustInsert = new List<int>();
        var rows = new List<FeedRow>();
        var outbox = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (ok[i])
            {
                AddDependentStatements(dependent, batch[i].Request, mustInsert);
                FeedRow.AddTo(rows, batch[i].Request);
                outbox += batch[i].Request.Outbox.Count;
            }
        }

        AddFeedStatements(dependent, rows, outbox > 0);
        if (outbox > 0)
        {
            AddOutboxStatements(dependent, batch, ok, outbox);
        }

        var affected = await dependent.ExecuteAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        foreach (var index in mustInsert)
        {
            if (affected[index] != 1)
            {
                // Cannot happen while appends of one grain are sequential; refuse rather than half-write.
                throw new InvalidOperationException("A journal event after the first of its append was already present; the whole batch was rolled back.");
            }
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        if (rows.Count > 0 || outbox > 0)
        {
            Interlocked.Exchange(ref _written, NewSignal()).TrySetResult();
        }

        if (outbox > 0)
        {
            SignalOutbox();
        }

        return ok;
    }

    /// <summary>
    /// Phase 1: the first event of each append, whose insert is the version check. Where the database takes arrays,
    /// they go in one statement that returns the rows it inserted; an append repeating a grain and position already in
    /// the batch goes row by row after it, so exactly one of the two wins. Requests without events always pass.
    /// </summary>
    private async Task InsertFirstEventsAsync(DbConnection connection, DbTransaction transaction, List<PendingAppend> batch, bool[] ok)
    {
        var bulkSql = Dialect.BulkInsertEventsSql;
        var bulk = new BulkRows.Events(bulkSql is null ? 0 : batch.Count);
        var bulkOwners = new List<int>();
        var single = new StatementList();
        var singleOwners = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i].Request;
            if (request.Events.Count == 0)
            {
                ok[i] = true;
            }
            else if (bulkSql is not null && bulk.TryAdd(request.Grain, request.ExpectedVersion + 1, request.Events[0].RecordedAt, request.Events[0].Payload))
            {
                bulkOwners.Add(i);
            }
            else
            {
                AddEvent(single, request, 0);
                singleOwners.Add(i);
            }
        }

        if (bulk.Count > 0)
        {
            var statement = new StatementList.Statement(bulkSql!);
            bulk.AddParameters(statement, Dialect);
            var inserted = new HashSet<(string Type, string Key, long Seq)>(bulk.Count);
            var command = statement.CreateCommand(connection, transaction);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync().ConfigureAwait(false))
                    {
                        inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }

            foreach (var i in bulkOwners)
            {
                var request = batch[i].Request;
                ok[i] = inserted.Contains((request.Grain.Type, request.Grain.Key, request.ExpectedVersion + 1));
            }
        }

        var affected = await single.ExecuteAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        for (var j = 0; j < affected.Length; j++)
        {
            ok[singleOwners[j]] = affected[j] == 1;
        }
    }

    private void AddDependentStatements(StatementList statements, AppendRequest request, List<int> mustInsert)
    {
        for (var e = 1; e < request.Events.Count; e++)
        {
            mustInsert.Add(statements.Count);
            AddEvent(statements, request, e);
        }

        if (request.Snapshot is { } snapshot)
        {
            statements.Add(SqlText.UpsertSnapshot)
                .With("t", request.Grain.Type).With("k", request.Grain.Key)
                .With("s", snapshot.Payload.Schema).With("f", (short)snapshot.Payload.Format).With("p", snapshot.Payload.Bytes)
                .With("q", snapshot.Sequence)
                .With("u", Dialect.ToDb(request.At));
        }
    }

    /// <summary>The feed rows of the requests that passed, after the lock that orders positions by commit (taken for
    /// outbox rows too: their sequence must become visible in order as well, or a shard could deliver a later message
    /// of an ordering key before an earlier one commits).</summary>
    private void AddFeedStatements(StatementList statements, List<FeedRow> rows, bool outbox)
    {
        if (rows.Count > 0 || outbox)
        {
            statements.Add(Dialect.FeedOrderLockSql);
        }

        if (rows.Count == 0)
        {
            return;
        }

        if (Dialect.BulkInsertFeedSql is { } bulkSql)
        {
            var bulk = new BulkRows.Feed(rows.Count);
            foreach (var row in rows)
            {
                bulk.Add(row);
            }

            bulk.AddParameters(statements.Add(bulkSql), Dialect);
            return;
        }

        foreach (var row in rows)
        {
            statements.Add(SqlText.InsertFeed)
                .With("n", row.Feed).With("g", row.Tag).With("t", row.Grain.Type).With("k", row.Grain.Key).With("h", row.Shard)
                .With("s", row.Payload.Schema).With("f", (short)row.Payload.Format).With("p", row.Payload.Bytes)
                .With("x", row.TimerName).With("d", row.TimerDue is { } due ? Dialect.ToDb(due) : null)
                .With("u", Dialect.ToDb(row.At));
        }
    }

    /// <summary>The outbox rows of the requests that passed, each pending at once on the shard of its ordering key: on
    /// PostgreSQL one statement for the batch (one a row cost a statement per reply), elsewhere one a row.</summary>
    private void AddOutboxStatements(StatementList statements, List<PendingAppend> batch, bool[] ok, int count)
    {
        var bulk = Dialect.BulkInsertOutboxSql is null ? null : new BulkRows.Outbox(count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!ok[i])
            {
                continue;
            }

            var request = batch[i].Request;
            foreach (var message in request.Outbox)
            {
                if (bulk is not null)
                {
                    bulk.Add(request, message);
                    continue;
                }

                statements.Add(SqlText.InsertOutbox)
                    .With("i", message.Id).With("b", message.Subscriber).With("o", message.OrderingKey).With("h", Shards.OfOrderingKey(message.OrderingKey))
                    .With("t", request.Grain.Type).With("k", request.Grain.Key).With("p", message.Payload)
                    .With("u", Dialect.ToDb(request.At));
            }
        }

        bulk?.AddParameters(statements.Add(Dialect.BulkInsertOutboxSql!), Dialect);
    }

    private void AddEvent(StatementList statements, AppendRequest request, int index)
    {
        var (recordedAt, payload) = request.Events[index];
        statements.Add(SqlText.InsertEvent)
            .With("t", request.Grain.Type).With("k", request.Grain.Key)
            .With("s", payload.Schema).With("f", (short)payload.Format).With("p", payload.Bytes)
            .With("q", request.ExpectedVersion + index + 1)
            .With("u", Dialect.ToDb(recordedAt));
    }
}
