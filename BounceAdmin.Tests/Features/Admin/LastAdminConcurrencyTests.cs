using BounceAdmin.Data;
using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Admin;

/// <summary>
/// Issue 14 point 12: the last active Admin cannot be demoted, locked or deleted, even when the only two Admins act on
/// each other at the same moment. Real SQLite files (one connection per operation, as in the app), both operations
/// released together on two threads; several rounds, since a race that is lost once is a bug.
/// </summary>
public sealed class LastAdminConcurrencyTests
{
    public enum Action { Demote, Lock, Delete }

    [Theory]
    [InlineData(Action.Demote, Action.Demote)]
    [InlineData(Action.Lock, Action.Lock)]
    [InlineData(Action.Delete, Action.Delete)]
    [InlineData(Action.Demote, Action.Lock)]
    [InlineData(Action.Delete, Action.Demote)]
    public async Task TwoAdminsActingOnEachOtherAtOnceLeaveOneAdmin(Action first, Action second)
    {
        for (var round = 0; round < 4; round++)
        {
            await using var world = await World.CreateAsync();
            var a = await world.AddAdminAsync("a@test.local");
            var b = await world.AddAdminAsync("b@test.local");

            using var gate = new SemaphoreSlim(0, 2);
            var byA = Task.Run(async () => { await gate.WaitAsync(); return await world.Act("a@test.local", first, b); });
            var byB = Task.Run(async () => { await gate.WaitAsync(); return await world.Act("b@test.local", second, a); });
            gate.Release(2);
            var results = await Task.WhenAll(byA, byB);

            Assert.Equal(1, results.Count(r => r.Succeeded));
            Assert.Contains(results, r => !r.Succeeded && r.Errors.Contains(UserAdminService.LastAdminMessage));
            Assert.Equal(1, await world.ActiveAdminsAsync());
        }
    }

    [Fact]
    public async Task TheLastAdminCannotBeDeletedAndARefusalChangesNothing()
    {
        await using var world = await World.CreateAsync();
        var a = await world.AddAdminAsync("a@test.local");
        var marketer = await world.AddUserAsync("m@test.local", Roles.Marketer);

        // Acting as a system Admin that is not a user (as the command line does).
        var refused = await world.Act("system", Action.Delete, a);
        var deleted = await world.Act("a@test.local", Action.Delete, marketer);
        var self = await world.Act("a@test.local", Action.Delete, a);

        Assert.Equal([UserAdminService.LastAdminMessage], refused.Errors);
        Assert.True(deleted.Succeeded, string.Join(" ", deleted.Errors));
        Assert.False(self.Succeeded);
        Assert.Equal(1, await world.ActiveAdminsAsync());
    }

    private sealed class World : IAsyncDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"bounceadmin-admins-{Guid.NewGuid():N}.db");
        private ServiceProvider _services = default!;

        public static async Task<World> CreateAsync()
        {
            var world = new World();
            var config = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Default", $"Data Source={world._path}")]).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddHttpContextAccessor();
            services.AddBounceAdminData(config);
            services.AddBounceAdminIdentity();
            world._services = services.BuildServiceProvider();
            await using var db = await world._services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL");
            return world;
        }

        public Task<ApplicationUser> AddAdminAsync(string email) => AddUserAsync(email, Roles.Admin);

        public async Task<ApplicationUser> AddUserAsync(string email, string role)
        {
            await using var scope = _services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().CreateUserAsync(email, "Strong-Pass-12", role);
        }

        public Task<UserAdminResult> Act(string actor, Action action, ApplicationUser target)
        {
            var service = ActivatorUtilities.CreateInstance<UserAdminService>(_services, FixedCurrentUser.For(actor, Roles.Admin), TimeProvider.System);
            return action switch
            {
                Action.Demote => service.ChangeRoleAsync(target.Id, Roles.Marketer),
                Action.Lock => service.LockAsync(target.Id),
                _ => service.DeleteAsync(target.Id),
            };
        }

        public async Task<int> ActiveAdminsAsync()
        {
            await using var scope = _services.CreateAsyncScope();
            var admins = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().GetUsersInRoleAsync(Roles.Admin);
            return admins.Count(u => u.LockoutEnd is null || u.LockoutEnd <= DateTimeOffset.UtcNow);
        }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_path + suffix);
            }
        }
    }
}
