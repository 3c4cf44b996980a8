using System.Data.Common;
using CityBrain.Actors.Hosting;

namespace CityBrain.Actors.Storage.Sql;

internal sealed partial class SqlGrainStorage
{
    /// <summary>
    /// Commits a batch of write groups in one transaction. Phase 1 runs each group's version-checked statement;
    /// a statement that affects no row is a conflict for that group alone. Phase 2 runs the rest of the groups
    /// that passed (further journal events, snapshots, timers, feed entries). Then one commit makes everything
    /// durable. Where the dialect has bulk statements, each phase writes a table's rows in one statement.
    /// </summary>
    private async Task CommitBatchAsync(List<PendingCommit> batch)
    {
        var started = _time.GetTimestamp();
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
            catch (Exception exception) when (attempt < MaxBatchAttempts && IsSerializationFailure(exception))
            {
                // Two batches locked the same rows in opposite order (e.g. a fired deadline and its re-arming): retry.
                ActorsLog.BatchRetried(_logger, exception, batch.Count, attempt);
            }
            catch (Exception exception)
            {
                failure = Classify(exception);
                break;
            }
        }

        _metrics.StorageBatch(batch.Count, _time.GetElapsedTime(started), failure is null);
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

    private static bool IsSerializationFailure(Exception exception) =>
        exception is DbException { SqlState: "40P01" or "40001" };

    private async Task<bool[]> ExecuteBatchAsync(List<PendingCommit> batch)
    {
        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await _dialect.PrepareWriteConnectionAsync(connection, CancellationToken.None).ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        var ok = new bool[batch.Count];
        if (_fenceSiloId is not null)
        {
            await CheckMembershipAsync(connection, transaction).ConfigureAwait(false);
        }

        await RunCheckedStatementsAsync(connection, transaction, batch, ok).ConfigureAwait(false);

        var dependent = new StatementList();
        var mustWrite = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (ok[i])
            {
                AddDependentStatements(dependent, batch[i].Group, mustWrite);
            }
        }

        AddTimerStatements(dependent, batch, ok);
        var feedEntries = AddFeedStatements(dependent, batch, ok);
        var dependentAffected = await dependent.ExecuteAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        foreach (var index in mustWrite)
        {
            if (dependentAffected[index] != 1)
            {
                // Cannot happen while appends are sequential per grain; refuse rather than half-write.
                throw new InvalidOperationException("A journal event after the first of its append was already present; the whole batch was rolled back.");
            }
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        if (feedEntries)
        {
            SignalFeeds(batch, ok);
        }

        return ok;
    }

    /// <summary>
    /// Phase 1: each group's version-checked write; a write that finds its version taken (no row inserted or
    /// updated) is a conflict for that group alone. Where the database takes arrays, the first events of all appends
    /// go in one statement that returns the rows it inserted; the rest (state writes, and an append repeating a
    /// grain and sequence already in the batch) run one statement each, after it, so the earlier write wins.
    /// </summary>
    private async Task RunCheckedStatementsAsync(DbConnection connection, DbTransaction transaction, List<PendingCommit> batch, bool[] ok)
    {
        var bulkSql = _dialect.BulkInsertEventsSql;
        var bulkEvents = new BulkRows.Events(bulkSql is null ? 0 : batch.Count);
        var bulkOwners = new List<int>();
        var checkedStatements = new StatementList();
        var checkedOwners = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var group = batch[i].Group;
            if (group.Kind == WriteKind.TimersOnly)
            {
                ok[i] = true;
            }
            else if (bulkSql is not null && group.Kind == WriteKind.AppendEvents
                && bulkEvents.TryAdd(group.Grain, group.ExpectedVersion + 1, group.Events[0].RecordedAt, group.Events[0].Payload))
            {
                bulkOwners.Add(i);
            }
            else
            {
                AddCheckedStatement(checkedStatements, group);
                checkedOwners.Add(i);
            }
        }

        if (bulkEvents.Count > 0)
        {
            var statement = new StatementList.Statement(bulkSql!);
            bulkEvents.AddParameters(statement, _dialect);
            var inserted = new HashSet<(string Type, string Key, long Seq)>(bulkEvents.Count);
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
                var group = batch[i].Group;
                ok[i] = inserted.Contains((group.Grain.Type, group.Grain.Key, group.ExpectedVersion + 1));
            }
        }

        var affected = await checkedStatements.ExecuteAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        for (var j = 0; j < affected.Length; j++)
        {
            ok[checkedOwners[j]] = affected[j] == 1;
        }
    }

    /// <summary>The timer changes of the groups that passed: one upsert over arrays when the database takes them and
    /// no timer is changed twice in the batch, else one statement per change in batch order.</summary>
    private void AddTimerStatements(StatementList statements, List<PendingCommit> batch, bool[] ok)
    {
        var bulkSql = _dialect.BulkUpsertTimersSql;
        var bulk = new BulkRows.Timers(bulkSql is null ? 0 : batch.Count);
        if (bulkSql is not null)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (ok[i])
                {
                    foreach (var timer in batch[i].Group.Timers)
                    {
                        bulk.Add(batch[i].Group.Grain, timer);
                    }
                }
            }
        }

        var rowByRow = bulkSql is null || !bulk.Unique;
        for (var i = 0; i < batch.Count; i++)
        {
            if (ok[i])
            {
                AddTimerChanges(statements, batch[i].Group, upserts: rowByRow);
            }
        }

        if (!rowByRow && bulk.Count > 0)
        {
            bulk.AddParameters(statements.Add(bulkSql!), _dialect);
        }
    }

    /// <summary>The feed entries of the groups that passed, after the lock that orders positions by commit.</summary>
    private bool AddFeedStatements(StatementList statements, List<PendingCommit> batch, bool[] ok)
    {
        var bulkSql = _dialect.BulkInsertFeedSql;
        var bulk = new BulkRows.Feed(bulkSql is null ? 0 : batch.Count);
        var any = false;
        for (var i = 0; i < batch.Count; i++)
        {
            var group = batch[i].Group;
            if (!ok[i] || group.Feed.Count == 0)
            {
                continue;
            }

            if (!any)
            {
                statements.Add(_dialect.FeedOrderLockSql);
                any = true;
            }

            foreach (var entry in group.Feed)
            {
                if (bulkSql is not null)
                {
                    bulk.Add(group.Grain, group.At, entry);
                }
                else
                {
                    WithPayload(statements.Add(SqlText.InsertFeed), group.Grain, entry.Payload)
                        .With("n", entry.Feed)
                        .With("u", _dialect.ToDb(group.At));
                }
            }
        }

        if (bulk.Count > 0)
        {
            bulk.AddParameters(statements.Add(bulkSql!), _dialect);
        }

        return any;
    }

    /// <summary>
    /// The fencing token of a clustered silo: a silo the cluster declared dead writes nothing more. The share lock
    /// on its membership row makes a declaration wait for a batch in flight, and every later batch see it.
    /// </summary>
    private async Task CheckMembershipAsync(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = SqlText.FenceSilo;
            SqlText.Add(command, "me", _fenceSiloId);
            if (Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                throw new SiloUnavailableException($"Silo {_fenceSiloId} is no longer a member of the cluster; its writes are refused.");
            }
        }
    }

    private void AddCheckedStatement(StatementList statements, WriteGroup group)
    {
        var at = _dialect.ToDb(group.At);
        switch (group.Kind)
        {
            case WriteKind.WriteState when group.ExpectedVersion == 0:
                WithPayload(statements.Add(SqlText.InsertState), group.Grain, group.State).With("u", at);
                break;
            case WriteKind.WriteState:
                WithPayload(statements.Add(SqlText.UpdateState), group.Grain, group.State).With("u", at).With("v", group.ExpectedVersion);
                break;
            case WriteKind.ClearState when group.ExpectedVersion == 0:
                WithGrain(statements.Add(SqlText.InsertClearedState), group.Grain).With("u", at);
                break;
            case WriteKind.ClearState:
                WithGrain(statements.Add(SqlText.ClearState), group.Grain).With("u", at).With("v", group.ExpectedVersion);
                break;
            case WriteKind.AppendEvents:
                AddEvent(statements, group, 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(group), group.Kind, "No version-checked statement for this write.");
        }
    }

    private void AddDependentStatements(StatementList statements, WriteGroup group, List<int> mustWrite)
    {
        if (group.Kind == WriteKind.AppendEvents)
        {
            for (var e = 1; e < group.Events.Count; e++)
            {
                mustWrite.Add(statements.Count);
                AddEvent(statements, group, e);
            }

            if (group.Snapshot is { } snapshot)
            {
                WithPayload(statements.Add(SqlText.UpsertSnapshot), group.Grain, snapshot.Payload)
                    .With("q", snapshot.Sequence)
                    .With("u", _dialect.ToDb(group.At));
            }
        }
    }

    /// <summary>One statement per timer change of the group: deletes always, upserts when <paramref name="upserts"/>.</summary>
    private void AddTimerChanges(StatementList statements, WriteGroup group, bool upserts)
    {
        foreach (var timer in group.Timers)
        {
            if (timer.IsDelete)
            {
                var statement = WithGrain(statements.Add(timer.OnlyIfDueAt is null ? SqlText.DeleteTimer : SqlText.DeleteTimerIfDue), group.Grain).With("n", timer.Name);
                if (timer.OnlyIfDueAt is { } due)
                {
                    statement.With("d", _dialect.ToDb(due));
                }
            }
            else if (upserts)
            {
                WithGrain(statements.Add(SqlText.UpsertTimer), group.Grain)
                    .With("n", timer.Name)
                    .With("d", _dialect.ToDb(timer.DueAt!.Value))
                    .With("m", timer.Period is { } period ? (long)period.TotalMilliseconds : null)
                    .With("h", (long)group.Grain.StableHash());
            }
        }
    }

    private void AddEvent(StatementList statements, WriteGroup group, int index)
    {
        var (recordedAt, payload) = group.Events[index];
        WithPayload(statements.Add(SqlText.InsertEvent), group.Grain, payload)
            .With("q", group.ExpectedVersion + index + 1)
            .With("u", _dialect.ToDb(recordedAt));
    }

    private static StatementList.Statement WithGrain(StatementList.Statement statement, GrainId grain) =>
        statement.With("t", grain.Type).With("k", grain.Key);

    private static StatementList.Statement WithPayload(StatementList.Statement statement, GrainId grain, Payload payload) =>
        WithGrain(statement, grain).With("s", payload.Schema).With("f", (short)payload.Format).With("p", payload.Bytes);
}
