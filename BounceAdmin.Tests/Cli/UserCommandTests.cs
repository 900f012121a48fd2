using BounceAdmin.Cli;
using BounceAdmin.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Cli;

/// <summary><c>user add</c> creates the first Admin outside Development, with the password from the environment.</summary>
public sealed class UserCommandTests : IDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bounceadmin-user-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" }) File.Delete(f);
    }

    [Fact]
    public async Task UserAddCreatesAConfirmedUserWithTheRoleAndRefusesBadInput()
    {
        Environment.SetEnvironmentVariable(UserCommand.PasswordVariable, "Long-Enough-Pass-9");
        try
        {
            var exit = await CommandLine.RunAsync(["user", "add", "--email", "first.admin@example.com", "--role", "admin",
                $"--ConnectionStrings:Default=Data Source={_dbPath}", "--environment=Production"]);
            Assert.Equal(0, exit);

            await using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={_dbPath}").Options);
            var user = await db.Users.SingleAsync(u => u.Email == "first.admin@example.com");
            Assert.True(user.EmailConfirmed);
            var role = await db.UserRoles.Where(ur => ur.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).SingleAsync();
            Assert.Equal("Admin", role);
            Assert.Equal(PasswordVerificationResult.Success,
                new PasswordHasher<ApplicationUser>().VerifyHashedPassword(user, user.PasswordHash!, "Long-Enough-Pass-9"));
            Assert.False(await db.Users.AnyAsync(u => u.Email!.EndsWith("@demo.local")));

            Assert.Equal(2, await CommandLine.RunAsync(["user", "add", "--email", "x@example.com", "--role", "Owner"]));
            Assert.Equal(2, await CommandLine.RunAsync(["user", "add", "--role", "Admin"]));
        }
        finally
        {
            Environment.SetEnvironmentVariable(UserCommand.PasswordVariable, null);
        }
    }
}
