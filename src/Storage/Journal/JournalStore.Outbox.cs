using System.Data.Common;
using CityBrain.Storage.Outbox;
using CityBrain.Storage.Sql;

namespace CityBrain.Storage.Journal;

internal sealed partial class JournalStore
{
    /// <summary>Completes at the next commit in this process that wrote outbox rows, or the next retry or discard
    /// here (outbox shards on other silos poll): commits without outbox rows do not wake the shards.</summary>
    public Task WhenOutboxWrittenAsync(CancellationToken cancellationToken) => Volatile.Read(ref _outboxWritten).Task.WaitAsync(cancellationToken);

    private void SignalOutbox() => Interlocked.Exchange(ref _outboxWritten, NewSignal()).TrySetResult();

    /// <summary>The heads of outbox shard <paramref name="shard"/>'s lanes that can be attempted (a pending message with
    /// no earlier pending or dead one of its subscriber and ordering key), the earliest next attempt first.</summary>
    public Task<IReadOnlyList<OutboxRecord>> ReadOpenOutboxAsync(int shard, int maxCount, CancellationToken cancellationToken) =>
        ReadOutboxAsync(SqlText.ReadOpenOutbox, command =>
        {
            SqlText.Add(command, "h", (short)shard);
            SqlText.Add(command, "m", (long)maxCount);
        }, cancellationToken);

    /// <summary>Messages in <paramref name="state"/> after <paramref name="afterSequence"/>, in order.</summary>
    public Task<IReadOnlyList<OutboxRecord>> ReadOutboxAsync(OutboxState state, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        ReadOutboxAsync(SqlText.ReadOutboxByState, command =>
        {
            SqlText.Add(command, "s", (short)state);
            SqlText.Add(command, "q", afterSequence);
            SqlText.Add(command, "m", (long)maxCount);
        }, cancellationToken);

    /// <summary>One message by its id, or null.</summary>
    public async Task<OutboxRecord?> ReadOutboxAsync(string id, CancellationToken cancellationToken)
    {
        var found = await ReadOutboxAsync(SqlText.ReadOutboxById, command => SqlText.Add(command, "i", id), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Records the deliveries of a shard's pass in one transaction, on PostgreSQL with one statement; returns how
    /// many were still pending. A transaction per message cost a commit (a WAL flush) per delivery.</summary>
    public Task<int> MarkOutboxDeliveredAsync(IReadOnlyList<OutboxDelivered> delivered, CancellationToken cancellationToken)
    {
        if (delivered.Count == 0)
        {
            return Task.FromResult(0);
        }

        if (Dialect.BulkMarkOutboxDeliveredSql is { } bulkSql)
        {
            return WriteOutboxAsync(bulkSql, command =>
            {
                SqlText.Add(command, "i", delivered.Select(d => d.Id).ToArray());
                SqlText.Add(command, "a", delivered.Select(d => d.Attempts).ToArray());
                SqlText.Add(command, "u", Dialect.ToDbArray(delivered.Select(d => d.At).ToArray()));
            }, cancellationToken);
        }

        return ReadAsync(async (connection, cancellationToken) =>
        {
            await Dialect.PrepareWriteConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var statements = new StatementList();
            foreach (var message in delivered)
            {
                statements.Add(SqlText.MarkOutboxDelivered).With("a", message.Attempts).With("u", Dialect.ToDb(message.At)).With("i", message.Id);
            }

            var affected = await statements.ExecuteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return affected.Sum();
        }, cancellationToken);
    }

    /// <summary>Records a failed attempt: pending again at <paramref name="nextAttemptAt"/>, or dead.</summary>
    public Task<bool> MarkOutboxFailedAsync(string id, int attempts, bool dead, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) =>
        UpdateOutboxAsync(SqlText.MarkOutboxFailed, command =>
        {
            SqlText.Add(command, "s", (short)(dead ? OutboxState.Dead : OutboxState.Pending));
            SqlText.Add(command, "a", attempts);
            SqlText.Add(command, "n", Dialect.ToDb(nextAttemptAt));
            SqlText.Add(command, "e", error);
            SqlText.Add(command, "i", id);
        }, cancellationToken);

    /// <summary>A dead letter back to pending, due at <paramref name="at"/>; false when it is not a dead letter.</summary>
    public async Task<bool> RetryOutboxAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var retried = await UpdateOutboxAsync(SqlText.RetryOutbox, command =>
        {
            SqlText.Add(command, "n", Dialect.ToDb(at));
            SqlText.Add(command, "i", id);
        }, cancellationToken).ConfigureAwait(false);
        if (retried)
        {
            // Wakes this process's shards at once; shards on other silos see it at their next poll.
            SignalOutbox();
        }

        return retried;
    }

    /// <summary>A dead letter discarded at <paramref name="at"/> (never delivered; it stops blocking its ordering key);
    /// false when it is not a dead letter.</summary>
    public async Task<bool> DiscardOutboxAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var discarded = await UpdateOutboxAsync(SqlText.DiscardOutbox, command =>
        {
            SqlText.Add(command, "u", Dialect.ToDb(at));
            SqlText.Add(command, "i", id);
        }, cancellationToken).ConfigureAwait(false);
        if (discarded)
        {
            SignalOutbox();
        }

        return discarded;
    }

    /// <summary>Deletes up to <paramref name="maxCount"/> of outbox shard <paramref name="shard"/>'s messages that were
    /// settled in <paramref name="state"/> (delivered or discarded) before <paramref name="before"/>, in one short
    /// statement; returns how many. Pending and dead messages are never deleted: nothing reads a settled row to deliver
    /// or order the others (a lane's head is its earliest open message).</summary>
    public Task<int> PurgeOutboxAsync(int shard, OutboxState state, DateTimeOffset before, int maxCount, CancellationToken cancellationToken)
    {
        var sql = state switch
        {
            OutboxState.Delivered => SqlText.PurgeDeliveredOutbox,
            OutboxState.Discarded => SqlText.PurgeDiscardedOutbox,
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Only delivered and discarded outbox messages are purged."),
        };
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return WriteOutboxAsync(sql, command =>
        {
            SqlText.Add(command, "h", (short)shard);
            SqlText.Add(command, "c", Dialect.ToDb(before));
            SqlText.Add(command, "m", (long)maxCount);
        }, cancellationToken);
    }

    private Task<IReadOnlyList<OutboxRecord>> ReadOutboxAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<OutboxRecord>>(async (connection, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = sql;
            parameters(command);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var records = new List<OutboxRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(new OutboxRecord(
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    Dialect.ReadTime(reader, 5),
                    reader.GetInt32(6),
                    Dialect.ReadTime(reader, 7),
                    (OutboxState)reader.GetInt16(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9))
                {
                    Sequence = reader.GetInt64(0),
                });
            }

            return records;
        }, cancellationToken);

    private async Task<bool> UpdateOutboxAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        await WriteOutboxAsync(sql, parameters, cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>One write statement in a transaction of its own; the rows it changed.</summary>
    private Task<int> WriteOutboxAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, cancellationToken) =>
        {
            await Dialect.PrepareWriteConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = sql;
            parameters(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
