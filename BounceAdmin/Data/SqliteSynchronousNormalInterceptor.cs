using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BounceAdmin.Data;

/// <summary>
/// Sets <c>PRAGMA synchronous=NORMAL</c> on every connection EF opens. With the WAL journal (set once at start-up, it
/// persists in the file) NORMAL is safe: a power cut may lose the last commits but never corrupts the database, and a
/// commit no longer waits for an fsync — the main cost of applying one bounce per transaction (Features/Bench/BENCH.md:
/// 435–713 → 1,200–1,900 messages/s).
/// </summary>
public sealed class SqliteSynchronousNormalInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        => SetPragma(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // A PRAGMA on an open SQLite connection completes synchronously; there is nothing to await.
        SetPragma(connection);
        return Task.CompletedTask;
    }

    private static void SetPragma(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=NORMAL";
        cmd.ExecuteNonQuery();
    }
}
