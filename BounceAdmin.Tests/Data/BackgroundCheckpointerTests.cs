using BounceAdmin.Data;
using Microsoft.Data.Sqlite;

namespace BounceAdmin.Tests.Data;

/// <summary>The checkpointer that copies a busy writer's WAL back into the database file from another connection.</summary>
public sealed class BackgroundCheckpointerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"bounceadmin-checkpoint-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }
    }

    private static void Execute(SqliteConnection cn, string sql)
    {
        using var cmd = cn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task CommitsOfTheWriterReachTheDatabaseFile_WithoutTheWriterCheckpointing()
    {
        await using var writer = new SqliteConnection($"Data Source={_path}");
        writer.Open();
        Execute(writer, "PRAGMA journal_mode=WAL; CREATE TABLE t (x BLOB); PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint=0;");
        var before = new FileInfo(_path).Length;

        await using (var checkpointer = BackgroundCheckpointer.TryStart(writer))
        {
            Assert.NotNull(checkpointer);
            for (var i = 0; i < BackgroundCheckpointer.CommitsPerCheckpoint; i++)
            {
                using var tx = writer.BeginTransaction();
                using var cmd = writer.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO t VALUES (randomblob(16384))";
                cmd.ExecuteNonQuery();
                tx.Commit();
                checkpointer!.Committed();
            }

            // The writer never checkpoints (wal_autocheckpoint=0): only the background copy can grow the database file.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (new FileInfo(_path).Length < before + 16384L * BackgroundCheckpointer.CommitsPerCheckpoint && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        Assert.True(new FileInfo(_path).Length >= before + 16384L * BackgroundCheckpointer.CommitsPerCheckpoint,
            $"the database file is {new FileInfo(_path).Length} bytes; nothing was checkpointed");
        Execute(writer, "INSERT INTO t VALUES (1)"); // the writer is unaffected once the checkpointer is gone
    }

    [Fact]
    public void OnlyAFileDatabaseInWalModeGetsOne()
    {
        using var memory = new SqliteConnection("Data Source=:memory:");
        memory.Open();
        using var rollback = new SqliteConnection($"Data Source={_path}");
        rollback.Open();
        Execute(rollback, "PRAGMA journal_mode=DELETE; CREATE TABLE t (x)");

        Assert.Null(BackgroundCheckpointer.TryStart(memory));
        Assert.Null(BackgroundCheckpointer.TryStart(rollback));
    }
}
