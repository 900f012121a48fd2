using BounceAdmin.Data;
using BounceAdmin.Features;
using BounceAdmin.Identity;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>
/// bUnit with MudBlazor, the app's real feature services and a real in-memory SQLite database. xunit 2 disposes
/// synchronously and MudBlazor's services are async-only, hence a field plus <see cref="IAsyncLifetime"/>.
/// </summary>
public abstract class BunitTestBase : IAsyncLifetime
{
    static BunitTestBase()
    {
        // bUnit waits 1 s by default: enough on a quiet machine, not on a 2-core CI runner running the suite's classes in
        // parallel beside a browser. A wait still ends the moment its assertion passes, so this only delays failures.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    protected BunitTestBase()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Ctx.Services.AddSingleton(Db.Factory);
        Ctx.Services.AddSingleton<TimeProvider>(Clock);
        Ctx.Services.AddFeatures();
        Ctx.Services.AddScoped<ICurrentUser>(_ => FixedCurrentUser.For(UserName, Role));
    }

    protected BunitContext Ctx { get; } = new();

    protected SqliteTestDatabase Db { get; } = new();

    protected TestClock Clock { get; } = new(TestData.Now);

    protected string Role { get; private set; } = Roles.Admin;

    protected string UserName => Role.ToLowerInvariant() + "@test.local";

    /// <summary>Signs the test in with one role, both for the UI (AuthorizeView) and for the services.</summary>
    protected void SignInAs(string role)
    {
        Role = role;
        Ctx.AddAuthorization().SetAuthorized(UserName).SetRoles(role);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Ctx.DisposeAsync();
        Db.Dispose();
    }
}
