using System.Data.Common;

namespace CityBrain.Storage.Sql;

/// <summary>Statements to run in one transaction, as one <see cref="DbBatch"/> (a single round trip) where the
/// provider supports batches, else one command after another on the same connection.</summary>
internal sealed class StatementList
{
    private readonly List<Statement> _statements = [];

    public int Count => _statements.Count;

    public Statement Add(string sql)
    {
        var statement = new Statement(sql);
        _statements.Add(statement);
        return statement;
    }

    /// <summary>Runs every statement and returns the rows each affected, in order.</summary>
    public async Task<int[]> ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var affected = new int[_statements.Count];
        if (affected.Length == 0)
        {
            return affected;
        }

        if (connection.CanCreateBatch)
        {
            var batch = connection.CreateBatch();
            await using var batchScope = batch.ConfigureAwait(false);
            batch.Transaction = transaction;
            foreach (var statement in _statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                foreach (var (name, value) in statement.Parameters)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = value ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < affected.Length; i++)
            {
                affected[i] = batch.BatchCommands[i].RecordsAffected;
            }

            return affected;
        }

        var single = connection.CreateCommand();
        await using var singleScope = single.ConfigureAwait(false);
        single.Transaction = transaction;
        for (var i = 0; i < _statements.Count; i++)
        {
            var statement = _statements[i];
            single.CommandText = statement.Sql;
            single.Parameters.Clear();
            foreach (var (name, value) in statement.Parameters)
            {
                SqlText.Add(single, name, value);
            }

            affected[i] = await single.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return affected;
    }

    public sealed class Statement(string sql)
    {
        public string Sql { get; } = sql;

        public List<(string Name, object? Value)> Parameters { get; } = new(8);

        public Statement With(string name, object? value)
        {
            Parameters.Add((name, value));
            return this;
        }

        /// <summary>A command for this statement alone (to read what it returns).</summary>
        public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql;
            foreach (var (name, value) in Parameters)
            {
                SqlText.Add(command, name, value);
            }

            return command;
        }
    }
}
