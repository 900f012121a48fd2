using System.Reflection;
using BounceAdmin.Data;
using Microsoft.AspNetCore.Identity;

namespace BounceAdmin.Identity;

/// <summary>
/// The password policy of OWASP ASVS level 1 (2.1.1, 2.1.7, 2.1.9): at least <see cref="MinimumLength"/> characters,
/// no composition rules (a passphrase of lower-case words is fine), and not one of the common passwords shipped in
/// <c>Identity/CommonPasswords/</c> (compared without regard to case and surrounding spaces), nor the account's own
/// email address or its local part. The length is set in <see cref="PasswordPolicy.Apply"/>; this checks the rest.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<ApplicationUser>
{
    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public const string CommonCode = "PasswordTooCommon";

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        var candidate = password?.Trim() ?? "";
        if (candidate.Length > 0 && IsCommon(candidate))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = CommonCode,
                Description = "This password is on a list of common or breached passwords. Choose another one; a few unrelated words make a good one.",
            }));
        }

        var email = user.Email ?? user.UserName ?? "";
        var local = email.Contains('@') ? email[..email.IndexOf('@')] : email;
        if (email.Length > 0 && (candidate.Equals(email, StringComparison.OrdinalIgnoreCase) || candidate.Equals(local, StringComparison.OrdinalIgnoreCase)))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordIsUserName",
                Description = "The password must not be the email address.",
            }));
        }

        return Task.FromResult(IdentityResult.Success);
    }

    /// <summary>Whether <paramref name="password"/> is on the shipped list (case-insensitive).</summary>
    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim());

    /// <summary>How many passwords the shipped list holds.</summary>
    public static int ListSize => Common.Value.Count;

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("BounceAdmin.CommonPasswords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line);
            }
        }

        return set;
    }
}

/// <summary>The password and lockout settings, in one place (web app and command line share them).</summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 12;

    public static void Apply(PasswordOptions options)
    {
        options.RequiredLength = MinimumLength;
        options.RequireDigit = false;
        options.RequireLowercase = false;
        options.RequireUppercase = false;
        options.RequireNonAlphanumeric = false;
        options.RequiredUniqueChars = 1;
    }
}
