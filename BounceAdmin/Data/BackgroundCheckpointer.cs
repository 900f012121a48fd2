using Microsoft.Data.Sqlite;

namespace BounceAdmin.Data;

/// <summary>
/// Copies a busy writer's WAL back into the database file from a second connection, on another thread, so the writer's
/// commits do not stop to do it. SQLite allows this: a PASSIVE checkpoint never blocks the writer and copies only what
/// was committed. The writer keeps a (larger) automatic checkpoint as a bound on the WAL; when it fires, the
/// background has already copied most of the pages, so it is short.
/// </summary>
/// <remarks>Only for a file database in WAL mode; <see cref="TryStart"/> returns null otherwise (an in-memory database,
/// a database in rollback-journal mode).</remarks>
internal sealed class BackgroundCheckpointer : IAsyncDisposable
{
    /// <summary>Commits between two background checkpoints: a few hundred pages each, at a few dozen per commit.</summary>
    public const int CommitsPerCheckpoint = 32;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _commits;

    private BackgroundCheckpointer(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Starts a checkpointer for the database of <paramref name="writer"/>, or returns null where it has no use.</summary>
    public static BackgroundCheckpointer? TryStart(SqliteConnection writer)
    {
        var settings = new SqliteConnectionStringBuilder(writer.ConnectionString);
        if (settings.Mode == SqliteOpenMode.Memory || settings.DataSource is "" or ":memory:")
        {
            return null;
        }

        using (var mode = writer.CreateCommand())
        {
            mode.CommandText = "PRAGMA journal_mode";
            if (!string.Equals(mode.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        settings.Pooling = false; // its own connection for its lifetime, never handed to anyone else
        var connection = new SqliteConnection(settings.ToString());
        connection.Open();
        return new BackgroundCheckpointer(connection);
    }

    /// <summary>Called after each commit of the writer.</summary>
    public void Committed()
    {
        if (++_commits % CommitsPerCheckpoint == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Stops the loop after its current checkpoint and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting for the next signal
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task RunAsync()
    {
        using var checkpoint = _connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (true)
        {
            await _signal.WaitAsync(_stop.Token);
            while (_signal.CurrentCount > 0)
            {
                _signal.Wait(0); // signals that piled up while the last checkpoint ran: one checkpoint covers them all
            }

            try
            {
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Another checkpoint holds the lock (the writer's own automatic one): the next signal tries again.
            }
        }
    }
}
