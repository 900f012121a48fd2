using Microsoft.Data.Sqlite;

namespace BounceAdmin.Data;

/// <summary>
/// SQLite commands prepared once per open connection and re-executed with new parameter values, for write paths that
/// run the same few statements thousands of times (applying bounces). Preparing a statement costs about as much as
/// running a point query; re-binding costs nothing. Parameters are bound by position in the order first given, so one
/// SQL text must always be called with the same parameter names in the same order.
/// </summary>
/// <remarks>Not thread-safe: one instance belongs to one connection and one caller at a time.</remarks>
internal sealed class PreparedCommands(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The transaction every command joins (SQLite requires the connection's open transaction on each command).</summary>
    public SqliteTransaction? Transaction { get; set; }

    /// <summary>Runs a statement (or several separated by ';') and returns the rows changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
        => Bind(sql, parameters).ExecuteNonQuery();

    /// <summary>Runs a query and returns the first column of its first row, or null when there is no row.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var value = Bind(sql, parameters).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a query; the caller disposes the reader before running the next command.</summary>
    public SqliteDataReader Reader(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
        => Bind(sql, parameters).ExecuteReader();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    private SqliteCommand Bind(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _commands[sql] = command;
        }

        if (command.Parameters.Count != parameters.Length)
        {
            throw new InvalidOperationException($"The statement was prepared with {command.Parameters.Count} parameters, called with {parameters.Length}.");
        }

        command.Transaction = Transaction;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }
}
