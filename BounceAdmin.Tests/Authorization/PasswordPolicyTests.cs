using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using BounceAdmin.Tests.Features.Admin;

namespace BounceAdmin.Tests.Authorization;

/// <summary>Issue 14 point 11 (OWASP ASVS 2.1.1, 2.1.7, 2.1.9): length, no composition rules, no common passwords.</summary>
public sealed class PasswordPolicyTests : IAsyncLifetime
{
    private readonly AdminTestContext _t = new();

    public Task InitializeAsync() => _t.AddUserAsync("admin@test.local", Roles.Admin);

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private Task<UserAdminResult> Create(string email, string password) => _t.Get<UserAdminService>().CreateUserAsync(email, Roles.Marketer, password);

    [Fact]
    public async Task ElevenCharactersAreTooShortTwelveAreEnough()
    {
        var tooShort = await Create("short@test.local", "eleven-char");
        var enough = await Create("enough@test.local", "twelve-chars");

        Assert.False(tooShort.Succeeded);
        Assert.Contains(tooShort.Errors, e => e.Contains("at least 12", StringComparison.OrdinalIgnoreCase));
        Assert.True(enough.Succeeded, string.Join(" ", enough.Errors));
    }

    [Fact]
    public async Task APassphraseOfLowerCaseWordsIsAcceptedWithoutDigitsOrSymbols()
    {
        var result = await Create("phrase@test.local", "purple lantern over quiet hills");

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
    }

    [Theory]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("qwerty123456")]
    [InlineData("LeaveMeAlone")]
    [InlineData("password1234")]
    public async Task ACommonPasswordIsRefusedWhateverItsCase(string password)
    {
        var result = await Create("common@test.local", password);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("common or breached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheEmailAddressIsNotAPassword()
    {
        var result = await Create("verylongname@test.local", "verylongname@test.local");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("email address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAdminsPasswordResetFollowsThePolicyToo()
    {
        var user = await _t.AddUserAsync("reset@test.local", Roles.Marketer);

        var result = await _t.Get<UserAdminService>().ResetPasswordAsync(user.Id, "qwerty123456");

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void TheListIsShippedWithItsLicenceAndTheDemoPasswordPasses()
    {
        Assert.True(CommonPasswordValidator.ListSize > 40_000, $"only {CommonPasswordValidator.ListSize} passwords");
        Assert.True(CommonPasswordValidator.IsCommon("password"));
        Assert.False(CommonPasswordValidator.IsCommon(IdentitySeeder.DemoPassword));
        Assert.True(IdentitySeeder.DemoPassword.Length >= PasswordPolicy.MinimumLength);

        var folder = Path.Combine(RepositoryRoot(), "BounceAdmin", "Identity", "CommonPasswords");
        Assert.Contains("Permission is hereby granted", File.ReadAllText(Path.Combine(folder, "LICENSE.txt")));
        Assert.Contains("@zxcvbn-ts/language-common", File.ReadAllText(Path.Combine(folder, "README.md")));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BounceAdmin.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root was not found above the test assembly.");
    }
}
