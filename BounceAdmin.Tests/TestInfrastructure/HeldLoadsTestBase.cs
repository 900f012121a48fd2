using BounceAdmin.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>
/// bUnit tests of pages whose older load must not land after a newer one: the services get a
/// <see cref="HoldingDbContextFactory"/>, so a test can hold one load at its database context while it asks for the next.
/// </summary>
public abstract class HeldLoadsTestBase : BunitTestBase
{
    /// <summary>How long a test waits for a held load to be reached, or for the loads to end.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected HeldLoadsTestBase()
    {
        Loads = new HoldingDbContextFactory(Db.Factory);
        Ctx.Services.AddSingleton<IDbContextFactory<AppDbContext>>(Loads);
    }

    /// <summary>The services' context factory; <see cref="HoldingDbContextFactory.HoldNext"/> holds the next load.</summary>
    protected HoldingDbContextFactory Loads { get; }

    /// <summary>
    /// Starts <paramref name="older"/> and holds its load at the database; once it is waiting there, starts
    /// <paramref name="newer"/>, then lets the older one go on and waits for both.
    /// </summary>
    protected async Task OverlapAsync(Func<Task> older, Func<Task> newer)
    {
        var hold = Loads.HoldNext();
        var first = older();
        await hold.Reached.WaitAsync(Timeout);
        var second = newer();
        hold.Release();
        await Task.WhenAll(first, second).WaitAsync(Timeout);
    }
}
