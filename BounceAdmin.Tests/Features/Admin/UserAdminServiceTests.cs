using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Admin;

public sealed class UserAdminServiceTests : IAsyncLifetime
{
    private readonly AdminTestContext _t = new();

    public Task InitializeAsync() => _t.AddUserAsync("admin@test.local", Roles.Admin);

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private UserAdminService Service => _t.Get<UserAdminService>();

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task EveryMethodIsForbiddenToNonAdmins(string role)
    {
        var target = await _t.AddUserAsync("someone@test.local", Roles.Marketer);
        _t.ActAs(role);
        var svc = Service;

        await Assert.ThrowsAsync<ForbiddenException>(() => svc.ListUsersAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.CreateUserAsync("new@test.local", Roles.Admin, "Strong-Pass-1"));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.ChangeRoleAsync(target.Id, Roles.Admin));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.LockAsync(target.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.UnlockAsync(target.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.ResetPasswordAsync(target.Id, "Other-Pass-2"));

        var unchanged = await _t.ReloadUserAsync(target.Id);
        Assert.Null(unchanged.LockoutEnd);
    }

    [Fact]
    public async Task CreateUserListsTheUserWithTheRole()
    {
        var result = await Service.CreateUserAsync("  new.manager@test.local ", Roles.Manager, "Strong-Pass-1");

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        var row = Assert.Single(await Service.ListUsersAsync(), u => u.Email == "new.manager@test.local");
        Assert.Equal(Roles.Manager, row.Role);
        Assert.True(row.EmailConfirmed);
        Assert.False(row.IsLockedOut(_t.Clock.UtcNow));
    }

    [Fact]
    public async Task CreateUserShowsIdentitysPasswordRules()
    {
        var result = await Service.CreateUserAsync("weak@test.local", Roles.Marketer, "short");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("at least", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(await Service.ListUsersAsync(), u => u.Email == "weak@test.local");
    }

    [Fact]
    public async Task CreateUserRefusesADuplicateEmailAndAnUnknownRole()
    {
        var duplicate = await Service.CreateUserAsync("admin@test.local", Roles.Marketer, "Strong-Pass-1");
        var unknownRole = await Service.CreateUserAsync("x@test.local", "Root", "Strong-Pass-1");

        Assert.False(duplicate.Succeeded);
        Assert.Contains(duplicate.Errors, e => e.Contains("already taken", StringComparison.OrdinalIgnoreCase));
        Assert.False(unknownRole.Succeeded);
    }

    [Fact]
    public async Task DemotingTheLastAdminIsRefused()
    {
        var admin = (await Service.ListUsersAsync()).Single(u => u.Email == "admin@test.local");

        var result = await Service.ChangeRoleAsync(admin.Id, Roles.Manager);

        Assert.False(result.Succeeded);
        Assert.Equal(UserAdminService.LastAdminMessage, Assert.Single(result.Errors));
        Assert.Equal(Roles.Admin, (await Service.ListUsersAsync()).Single(u => u.Id == admin.Id).Role);
    }

    [Fact]
    public async Task ChangeRoleReplacesTheRoleAndEndsTheUsersSessions()
    {
        var user = await _t.AddUserAsync("m@test.local", Roles.Marketer);
        var stampBefore = user.SecurityStamp;

        var result = await Service.ChangeRoleAsync(user.Id, Roles.Manager);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.Equal(Roles.Manager, (await Service.ListUsersAsync()).Single(u => u.Id == user.Id).Role);
        Assert.NotEqual(stampBefore, (await _t.ReloadUserAsync(user.Id)).SecurityStamp);
    }

    [Fact]
    public async Task AnAdminCanBeDemotedWhileAnotherActiveAdminRemains()
    {
        var second = await _t.AddUserAsync("admin2@test.local", Roles.Admin);

        var result = await Service.ChangeRoleAsync(second.Id, Roles.Marketer);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
    }

    [Fact]
    public async Task ALockedAdminDoesNotCountAsTheRemainingAdmin()
    {
        var second = await _t.AddUserAsync("admin2@test.local", Roles.Admin);
        Assert.True((await Service.LockAsync(second.Id)).Succeeded);
        var first = (await Service.ListUsersAsync()).Single(u => u.Email == "admin@test.local");

        var demote = await Service.ChangeRoleAsync(first.Id, Roles.Marketer);

        Assert.False(demote.Succeeded);
        Assert.Equal(UserAdminService.LastAdminMessage, Assert.Single(demote.Errors));
    }

    [Fact]
    public async Task LockingTheLastAdminIsRefused()
    {
        var admin = await _t.AddUserAsync("admin2@test.local", Roles.Admin);
        _t.ActAs(Roles.Admin, "admin2@test.local");
        var first = (await Service.ListUsersAsync()).Single(u => u.Email == "admin@test.local");
        Assert.True((await Service.LockAsync(first.Id)).Succeeded);

        _t.ActAs(Roles.Admin, "someone-else@test.local");
        var result = await Service.LockAsync(admin.Id);

        Assert.False(result.Succeeded);
        Assert.Equal(UserAdminService.LastAdminMessage, Assert.Single(result.Errors));
        Assert.Null((await _t.ReloadUserAsync(admin.Id)).LockoutEnd);
    }

    [Fact]
    public async Task AnAdminCannotLockThemselves()
    {
        await _t.AddUserAsync("admin2@test.local", Roles.Admin);
        var me = (await Service.ListUsersAsync()).Single(u => u.Email == "admin@test.local");

        var result = await Service.LockAsync(me.Id);

        Assert.False(result.Succeeded);
        Assert.Contains("own account", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task LockAndUnlock()
    {
        var user = await _t.AddUserAsync("m@test.local", Roles.Marketer);

        Assert.True((await Service.LockAsync(user.Id)).Succeeded);
        var locked = (await Service.ListUsersAsync()).Single(u => u.Id == user.Id);
        Assert.True(locked.IsLockedOut(_t.Clock.UtcNow.AddYears(50)));
        Assert.NotEqual(user.SecurityStamp, (await _t.ReloadUserAsync(user.Id)).SecurityStamp);

        Assert.True((await Service.UnlockAsync(user.Id)).Succeeded);
        var unlocked = (await Service.ListUsersAsync()).Single(u => u.Id == user.Id);
        Assert.False(unlocked.IsLockedOut(_t.Clock.UtcNow));
        Assert.Null(unlocked.LockedOutUntilUtc);
        Assert.Equal(0, unlocked.FailedSignIns);
    }

    [Fact]
    public async Task ResetPasswordAppliesThePasswordRules()
    {
        var user = await _t.AddUserAsync("m@test.local", Roles.Marketer);

        var weak = await Service.ResetPasswordAsync(user.Id, "abc");
        var strong = await Service.ResetPasswordAsync(user.Id, "Brand-New-Pass-9");

        Assert.False(weak.Succeeded);
        Assert.NotEmpty(weak.Errors);
        Assert.True(strong.Succeeded, string.Join(" ", strong.Errors));
        await using var scope = _t.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<BounceAdmin.Data.ApplicationUser>>();
        var reloaded = await users.FindByIdAsync(user.Id);
        Assert.True(await users.CheckPasswordAsync(reloaded!, "Brand-New-Pass-9"));
        Assert.False(await users.CheckPasswordAsync(reloaded!, "Strong-Pass-1"));
    }

    [Fact]
    public async Task UnknownUsersGetAClearMessage()
    {
        var result = await Service.ChangeRoleAsync("no-such-id", Roles.Marketer);

        Assert.False(result.Succeeded);
        Assert.Contains("no longer exists", Assert.Single(result.Errors));
    }
}
