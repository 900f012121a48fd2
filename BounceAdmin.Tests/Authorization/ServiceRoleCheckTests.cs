using System.Reflection;
using BounceAdmin.Data;
using BounceAdmin.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BounceAdmin.Tests.Authorization;

/// <summary>
/// Issue 14 point 13: every public method of a service that can change data checks the caller's role itself. The
/// services are found the way the app finds them (every class the web app registers, plus every public *Service
/// class under Features and Identity), so a service added later is covered without editing this test.
/// To satisfy it: call <c>await currentUser.RequireRoleAsync(...)</c> at the top of the method (or reach data only
/// through methods that do); a method no user can ever call gets <see cref="SystemOperationAttribute"/> with a reason.
/// </summary>
public sealed class ServiceRoleCheckTests(ITestOutputHelper output)
{
    private static readonly Assembly App = typeof(AppSetup).Assembly;

    internal static IReadOnlyList<Type> ServiceTypes()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.AddBounceAdmin();
        var registered = builder.Services
            .Select(d => d.IsKeyedService ? d.KeyedImplementationType ?? d.ServiceType : d.ImplementationType ?? d.ServiceType)
            .Where(t => t.Assembly == App && t is { IsClass: true, IsGenericTypeDefinition: false })
            // The database context is the data layer the services guard, not a service.
            .Where(t => !typeof(DbContext).IsAssignableFrom(t));
        var byName = App.GetTypes().Where(t => t is { IsPublic: true, IsClass: true, IsAbstract: false }
            && t.Name.EndsWith("Service", StringComparison.Ordinal)
            && (t.Namespace?.StartsWith("BounceAdmin.Features", StringComparison.Ordinal) == true
                || t.Namespace?.StartsWith("BounceAdmin.Identity", StringComparison.Ordinal) == true));
        return registered.Concat(byName).Distinct().ToList();
    }

    [Fact]
    public void EveryPublicDataChangingServiceMethodChecksTheRole()
    {
        var methods = new RoleCheckAnalyzer(App).Analyze(ServiceTypes());
        foreach (var m in methods)
        {
            output.WriteLine($"{(m.Violates ? "NO CHECK" : m.Checked ? "checked " : "system  ")}  {m.Name}  ->  {m.Sink}{(m.SystemReason is null ? "" : "  [" + m.SystemReason + "]")}");
        }

        var violations = methods.Where(m => m.Violates).Select(m => $"{m.Name} reaches {m.Sink}").ToList();
        Assert.True(violations.Count == 0,
            "These public service methods change data without checking the caller's role (call RequireRoleAsync first, " +
            "or mark a method no user can call with [SystemOperation(reason)]):\n" + string.Join("\n", violations));
    }

    /// <summary>Every method the analyzer counts as a check really refuses a caller who is not signed in.</summary>
    [Fact]
    public async Task EveryAccessCheckRefusesAnAnonymousCaller()
    {
        var checks = App.GetTypes().SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(RoleCheckAnalyzer.IsAccessCheck).ToList();
        Assert.Contains(checks, m => m.Name == nameof(CurrentUserExtensions.RequireRoleAsync));
        Assert.True(checks.Count >= 2, "the API's scope checks are access checks too");

        var anonymous = new FixedCurrentUser(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity()));
        foreach (var check in checks)
        {
            output.WriteLine($"access check: {check.DeclaringType!.Name}.{check.Name}");
            var args = check.GetParameters().Select(p => p.ParameterType == typeof(ICurrentUser) ? anonymous
                : p.ParameterType == typeof(string[]) ? new[] { Roles.Admin } : (object)Roles.Admin).ToArray();
            await Assert.ThrowsAsync<ForbiddenException>(() => (Task)check.Invoke(null, args)!);
        }
    }

    [Fact]
    public void TheListFindsTheKnownDataChangingMethods()
    {
        var names = new RoleCheckAnalyzer(App).Analyze(ServiceTypes()).Select(m => m.Name).ToHashSet();

        Assert.Contains("BounceRulesService.ApplyAsync", names);
        Assert.Contains("BounceRulesService.ApplyManyAsync", names);
        Assert.Contains("BounceRulesService.RematchUnmatchedAsync", names);
        Assert.Contains("PersonAdminService.UpdateAsync", names);
        Assert.Contains("PersonAdminService.ResetEmailInvalidAsync", names);
        Assert.Contains("UserAdminService.ChangeRoleAsync", names);
        Assert.Contains("UserAdminService.LockAsync", names);
        Assert.Contains("UserAdminService.DeleteAsync", names);
        Assert.Contains("BounceIngestService.IngestAsync", names);
        Assert.Contains("DropFolderService.RunOnceAsync", names);
        Assert.DoesNotContain("PeopleService.SearchAsync", names);
    }

    [Fact]
    public void TheAnalyzerFlagsAMethodThatChangesDataWithoutACheck()
    {
        var methods = new RoleCheckAnalyzer(typeof(ServiceRoleCheckTests).Assembly)
            .Analyze([typeof(UncheckedFixtureService), typeof(CheckedFixtureService), typeof(DelegatingFixtureService)])
            .ToDictionary(m => m.Name);

        Assert.True(methods["UncheckedFixtureService.SaveAsync"].Violates);
        Assert.True(methods["UncheckedFixtureService.SaveThroughHelperAsync"].Violates);
        Assert.True(methods["UncheckedFixtureService.SaveInLambdaAsync"].Violates);
        Assert.False(methods["CheckedFixtureService.SaveAsync"].Violates);
        Assert.False(methods["DelegatingFixtureService.SaveAsync"].Violates);
        Assert.False(methods["UncheckedFixtureService.SeedAsync"].Violates);
        Assert.Equal("start-up only", methods["UncheckedFixtureService.SeedAsync"].SystemReason);
        Assert.False(methods.ContainsKey("UncheckedFixtureService.ReadAsync"));
    }
}

#pragma warning disable CA1822 // fixtures for the analyzer: their shape is the point
public sealed class UncheckedFixtureService(IDbContextFactory<AppDbContext> factory)
{
    public async Task SaveAsync()
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.SaveChangesAsync();
    }

    public Task SaveThroughHelperAsync() => HelperAsync();

    public async Task SaveInLambdaAsync()
    {
        Func<AppDbContext, Task<int>> save = db => db.SaveChangesAsync();
        await using var db = await factory.CreateDbContextAsync();
        await save(db);
    }

    [SystemOperation("start-up only")]
    public async Task SeedAsync()
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.SaveChangesAsync();
    }

    public async Task<int> ReadAsync()
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.People.CountAsync();
    }

    private async Task HelperAsync()
    {
        await using var db = await factory.CreateDbContextAsync();
        db.Database.ExecuteSqlRaw("DELETE FROM People");
    }
}

public sealed class CheckedFixtureService(IDbContextFactory<AppDbContext> factory, ICurrentUser currentUser)
{
    public async Task SaveAsync()
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await factory.CreateDbContextAsync();
        await db.SaveChangesAsync();
    }
}

public sealed class DelegatingFixtureService(CheckedFixtureService inner)
{
    public Task SaveAsync() => inner.SaveAsync();
}
#pragma warning restore CA1822
