using System.Data.Common;
using CityBrain.Actors.Hosting;

namespace CityBrain.Actors.Storage.Sql;

internal sealed partial class SqlGrainStorage
{
    /// <summary>
    /// Commits a batch of write groups in one transaction. Phase 1 runs each group's version-checked statement;
    /// a statement that affects no row is a conflict for that group alone. Phase 2 runs the rest of the groups
    /// that passed (further journal events, snapshots, timers). Then one commit makes everything durable.
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
        var checkedStatements = new StatementList();
        var checkedOwners = new List<int>(batch.Count);
        if (_fenceSiloId is not null)
        {
            await CheckMembershipAsync(connection, transaction).ConfigureAwait(false);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var group = batch[i].Group;
            if (group.Kind == WriteKind.TimersOnly)
            {
                ok[i] = true;
            }
            else
            {
                AddCheckedStatement(checkedStatements, group);
                checkedOwners.Add(i);
            }
        }

        var affected = await checkedStatements.ExecuteAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        for (var j = 0; j < affected.Length; j++)
        {
            ok[checkedOwners[j]] = affected[j] == 1;
        }

        var dependent = new StatementList();
        var mustWrite = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (ok[i])
            {
                AddDependentStatements(dependent, batch[i].Group, mustWrite);
            }
        }

        var feedEntries = false;
        for (var i = 0; i < batch.Count; i++)
        {
            if (ok[i] && batch[i].Group.Feed.Count > 0)
            {
                if (!feedEntries)
                {
                    dependent.Add(_dialect.FeedOrderLockSql);
                    feedEntries = true;
                }

                foreach (var entry in batch[i].Group.Feed)
                {
                    WithPayload(dependent.Add(SqlText.InsertFeed), batch[i].Group.Grain, entry.Payload)
                        .With("n", entry.Feed)
                        .With("u", _dialect.ToDb(batch[i].Group.At));
                }
            }
        }

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
            else
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
