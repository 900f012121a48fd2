using BounceAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>
/// The test database's context factory, able to hold the next context a service asks for until the test releases it:
/// a load made slow on demand, so a test can let a newer load overtake an older one. Register it in place of
/// <see cref="SqliteTestDatabase.Factory"/>.
/// </summary>
public sealed class HoldingDbContextFactory(IDbContextFactory<AppDbContext> inner) : IDbContextFactory<AppDbContext>
{
    private Hold? _next;

    /// <summary>Holds the next <see cref="CreateDbContextAsync"/> call (only that one) until <see cref="Hold.Release"/>.</summary>
    public Hold HoldNext()
    {
        var hold = new Hold();
        Volatile.Write(ref _next, hold);
        return hold;
    }

    public AppDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _next, null) is { } hold)
        {
            hold.MarkReached();

            // Deliberately deaf to the token, like a query the server is already running; the query after it still
            // sees a cancelled token and throws, as it would in the app.
            await hold.Released;
        }

        return inner.CreateDbContext();
    }

    /// <summary>One held call.</summary>
    public sealed class Hold
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a service has asked for the held context (the load is under way and waiting).</summary>
        public Task Reached => _reached.Task;

        internal Task Released => _released.Task;

        /// <summary>Lets the held load go on.</summary>
        public void Release() => _released.TrySetResult();

        internal void MarkReached() => _reached.TrySetResult();
    }
}
