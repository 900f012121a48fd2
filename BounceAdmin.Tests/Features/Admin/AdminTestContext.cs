using BounceAdmin.Data;
using BounceAdmin.Features;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Admin;

/// <summary>
/// The app's real service registrations (Identity included) over a real in-memory SQLite database, with a caller whose
/// role the test chooses through <see cref="ActAs"/>.
/// </summary>
public sealed class AdminTestContext : IAsyncDisposable
{
    private ICurrentUser _caller = FixedCurrentUser.For("admin@test.local", Roles.Admin);

    public AdminTestContext()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpContextAccessor();
        services.AddSingleton(Db.Factory);
        services.AddScoped(_ => Db.NewContext());
        services.AddBounceAdminIdentity();
        services.AddFeatures();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddScoped<ICurrentUser>(_ => _caller);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public SqliteTestDatabase Db { get; } = new();

    public TestClock Clock { get; } = new(TestData.Now);

    public ServiceProvider Services { get; }

    /// <summary>Makes every service resolved afterwards act for a user with this role.</summary>
    public void ActAs(string role, string? name = null)
        => _caller = FixedCurrentUser.For(name ?? role.ToLowerInvariant() + "@test.local", role);

    /// <summary>Resolves a service in a fresh scope, as a new circuit or request would.</summary>
    public T Get<T>() where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    /// <summary>Creates the roles and a confirmed user with one role, through the app's own seeder.</summary>
    public async Task<ApplicationUser> AddUserAsync(string email, string role, string password = "Strong-Pass-1")
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().CreateUserAsync(email, password, role);
    }

    public async Task<ApplicationUser> ReloadUserAsync(string id)
    {
        await using var db = Db.NewContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Db.Dispose();
    }
}
