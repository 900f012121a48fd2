using BounceAdmin.Data;
using Microsoft.AspNetCore.Identity;

namespace BounceAdmin.Identity;

/// <summary>Creates the three roles, and in Development the three demo users.</summary>
public sealed class IdentitySeeder(RoleManager<IdentityRole> roleManager, UserManager<ApplicationUser> userManager, ILogger<IdentitySeeder> logger)
{
    public const string DemoPassword = "demo-pass-phrase";
    public const string MarketerEmail = "marketer@demo.local";
    public const string ManagerEmail = "manager@demo.local";
    public const string AdminEmail = "admin@demo.local";

    public static readonly IReadOnlyList<(string Email, string Role)> DemoUsers =
        [(MarketerEmail, Roles.Marketer), (ManagerEmail, Roles.Manager), (AdminEmail, Roles.Admin)];

    [SystemOperation("Start-up: creates the three roles before anyone can sign in.")]
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                Check(await roleManager.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }
    }

    [SystemOperation("Start-up in Development only: the demo users.")]
    public async Task EnsureDemoUsersAsync()
    {
        foreach (var (email, role) in DemoUsers)
        {
            if (await userManager.FindByEmailAsync(email) is null)
            {
                await CreateUserAsync(email, DemoPassword, role);
            }
        }

        logger.LogWarning("Development demo users (password {Password}): {Users}", DemoPassword,
            string.Join(", ", DemoUsers.Select(u => $"{u.Email} ({u.Role})")));
        Console.WriteLine($"Demo users, password {DemoPassword}: " + string.Join(", ", DemoUsers.Select(u => $"{u.Email} ({u.Role})")));
    }

    /// <summary>Creates a confirmed user with one role; throws with Identity's messages when it cannot.</summary>
    [SystemOperation("The `user add` command (the first Admin, before anyone can sign in) and start-up; pages create users through UserAdminService, which checks the role.")]
    public async Task<ApplicationUser> CreateUserAsync(string email, string password, string role)
    {
        if (!Roles.All.Contains(role))
        {
            throw new ArgumentException($"Unknown role '{role}'. Use one of: {string.Join(", ", Roles.All)}.", nameof(role));
        }

        await EnsureRolesAsync();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, LockoutEnabled = true };
        Check(await userManager.CreateAsync(user, password), $"create user {email}");
        Check(await userManager.AddToRoleAsync(user, role), $"add {email} to {role}");
        return user;
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
