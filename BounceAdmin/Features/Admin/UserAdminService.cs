using BounceAdmin.Data;
using BounceAdmin.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Admin;

/// <summary>One staff user as the Users &amp; roles page lists them.</summary>
public sealed record UserRow(
    string Id,
    string Email,
    string? Role,
    DateTime? LockedOutUntilUtc,
    int FailedSignIns,
    bool EmailConfirmed)
{
    /// <summary>Locked out now (until a time, or indefinitely when an Admin locked the account).</summary>
    public bool IsLockedOut(DateTime nowUtc) => LockedOutUntilUtc is { } until && until > nowUtc;
}

/// <summary>The outcome of a user administration action: success, or the messages to show (Identity's own included).</summary>
public sealed record UserAdminResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static UserAdminResult Ok { get; } = new(true, []);

    public static UserAdminResult Fail(params string[] errors) => new(false, errors);

    public static UserAdminResult From(IdentityResult result)
        => result.Succeeded ? Ok : new(false, result.Errors.Select(e => e.Description).ToArray());
}

/// <summary>
/// Users and roles (Admin only). UserManager and RoleManager are resolved in a new scope per call: a Blazor circuit
/// lives for hours, and a UserManager held that long would keep a DbContext with stale, tracked users.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopeFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>An Admin lock has no natural end; Identity treats a lockout end in the far future as "locked".</summary>
    public static readonly DateTimeOffset LockedIndefinitely = DateTimeOffset.MaxValue;

    public const string LastAdminMessage =
        "This is the last active Admin. Make another user an Admin first, so that someone can still administer BounceAdmin.";

    public async Task<IReadOnlyList<UserRow>> ListUsersAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var roleOf = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            select new { ur.UserId, r.Name }).ToListAsync(ct);
        var rolesByUser = roleOf.GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(x => x.Name).Order()));

        return users.Select(u => new UserRow(
                u.Id,
                u.Email ?? u.UserName ?? u.Id,
                rolesByUser.GetValueOrDefault(u.Id),
                u.LockoutEnd?.UtcDateTime,
                u.AccessFailedCount,
                u.EmailConfirmed))
            .ToList();
    }

    /// <summary>Creates a confirmed user with one role and an initial password; Identity's password rules apply.</summary>
    public async Task<UserAdminResult> CreateUserAsync(string email, string role, string password, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        email = email?.Trim() ?? "";
        if (email.Length == 0 || !email.Contains('@'))
        {
            return UserAdminResult.Fail("Enter the user's email address.");
        }

        if (email.EndsWith(BounceAdmin.Security.DemoAccounts.Domain, StringComparison.OrdinalIgnoreCase))
        {
            // Outside Development such an account would stop the app from starting (README "Security").
            return UserAdminResult.Fail($"Addresses {BounceAdmin.Security.DemoAccounts.Domain} are kept for the Development demo users.");
        }

        if (!Roles.All.Contains(role))
        {
            return UserAdminResult.Fail($"Choose a role: {string.Join(", ", Roles.All)}.");
        }

        if (string.IsNullOrEmpty(password))
        {
            return UserAdminResult.Fail("Enter an initial password.");
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, LockoutEnabled = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return UserAdminResult.From(created);
        }

        return UserAdminResult.From(await users.AddToRoleAsync(user, role));
    }

    /// <summary>Gives the user exactly one role. Demoting the last active Admin is refused.</summary>
    public async Task<UserAdminResult> ChangeRoleAsync(string userId, string role, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        if (!Roles.All.Contains(role))
        {
            return UserAdminResult.Fail($"Choose a role: {string.Join(", ", Roles.All)}.");
        }

        return await InOneTransactionAsync(async users =>
        {
            var user = await users.FindByIdAsync(userId);
            if (user is null)
            {
                return UserAdminResult.Fail("This user no longer exists.");
            }

            var current = await users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == role)
            {
                return UserAdminResult.Ok;
            }

            if (current.Contains(Roles.Admin) && role != Roles.Admin && await IsLastActiveAdminAsync(users, user))
            {
                return UserAdminResult.Fail(LastAdminMessage);
            }

            var removed = await users.RemoveFromRolesAsync(user, current);
            if (!removed.Succeeded)
            {
                return UserAdminResult.From(removed);
            }

            var added = await users.AddToRoleAsync(user, role);
            if (!added.Succeeded)
            {
                return UserAdminResult.From(added);
            }

            // A new stamp signs the user out everywhere, so the old role's cookie cannot be used any more.
            return UserAdminResult.From(await users.UpdateSecurityStampAsync(user));
        }, ct);
    }

    /// <summary>Locks the account until an Admin unlocks it and ends its sessions. Locking the last active Admin is refused.</summary>
    public async Task<UserAdminResult> LockAsync(string userId, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        return await InOneTransactionAsync(async users =>
        {
            var user = await users.FindByIdAsync(userId);
            if (user is null)
            {
                return UserAdminResult.Fail("This user no longer exists.");
            }

            if (string.Equals(user.UserName, actor, StringComparison.OrdinalIgnoreCase))
            {
                return UserAdminResult.Fail("You cannot lock your own account.");
            }

            if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastActiveAdminAsync(users, user))
            {
                return UserAdminResult.Fail(LastAdminMessage);
            }

            if (!user.LockoutEnabled)
            {
                var enabled = await users.SetLockoutEnabledAsync(user, true);
                if (!enabled.Succeeded)
                {
                    return UserAdminResult.From(enabled);
                }
            }

            var locked = await users.SetLockoutEndDateAsync(user, LockedIndefinitely);
            if (!locked.Succeeded)
            {
                return UserAdminResult.From(locked);
            }

            return UserAdminResult.From(await users.UpdateSecurityStampAsync(user));
        }, ct);
    }

    /// <summary>Deletes a user (their sessions end with them). Deleting yourself or the last active Admin is refused.</summary>
    public async Task<UserAdminResult> DeleteAsync(string userId, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        return await InOneTransactionAsync(async users =>
        {
            var user = await users.FindByIdAsync(userId);
            if (user is null)
            {
                return UserAdminResult.Fail("This user no longer exists.");
            }

            if (string.Equals(user.UserName, actor, StringComparison.OrdinalIgnoreCase))
            {
                return UserAdminResult.Fail("You cannot delete your own account.");
            }

            if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastActiveAdminAsync(users, user))
            {
                return UserAdminResult.Fail(LastAdminMessage);
            }

            return UserAdminResult.From(await users.DeleteAsync(user));
        }, ct);
    }

    /// <summary>Ends a lockout (an Admin lock or five bad passwords) and forgets the failed attempts.</summary>
    public async Task<UserAdminResult> UnlockAsync(string userId, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserAdminResult.Fail("This user no longer exists.");
        }

        var unlocked = await users.SetLockoutEndDateAsync(user, null);
        if (!unlocked.Succeeded)
        {
            return UserAdminResult.From(unlocked);
        }

        return UserAdminResult.From(await users.ResetAccessFailedCountAsync(user));
    }

    /// <summary>Sets a new password chosen by the Admin (Identity's password rules apply) and ends the user's sessions.</summary>
    public async Task<UserAdminResult> ResetPasswordAsync(string userId, string newPassword, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        if (string.IsNullOrEmpty(newPassword))
        {
            return UserAdminResult.Fail("Enter the new password.");
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserAdminResult.Fail("This user no longer exists.");
        }

        // The reset-token path runs the password validators and updates the security stamp, unlike Remove+AddPassword.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        return UserAdminResult.From(await users.ResetPasswordAsync(user, token, newPassword));
    }

    /// <summary>
    /// Runs a change that depends on who the other Admins are in one write transaction. SQLite's
    /// <c>BEGIN IMMEDIATE</c> (what a non-deferred transaction is) takes the write lock before the check reads, so two
    /// Admins demoting, locking or deleting each other at the same moment are serialised: the second sees the first's
    /// change and is refused. A failed step rolls the whole change back.
    /// </summary>
    private async Task<UserAdminResult> InOneTransactionAsync(Func<UserManager<ApplicationUser>, Task<UserAdminResult>> change, CancellationToken ct)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await change(users);
        if (result.Succeeded)
        {
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }

        return result;
    }

    private async Task<bool> IsLastActiveAdminAsync(UserManager<ApplicationUser> users, ApplicationUser user)
    {
        var now = clock.GetUtcNow();
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return !admins.Any(a => a.Id != user.Id && (a.LockoutEnd is null || a.LockoutEnd <= now));
    }
}
