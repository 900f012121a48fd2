using System.Net;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Web;

/// <summary>
/// Each demo user logs in through the real login form (which also proves the demo users exist) and opens every page:
/// allowed pages render, forbidden ones show the access-denied alert to the signed-in user.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class RoleAccessTests(BounceAdminFactory app)
{
    private const string AccessDenied = "data-testid=\"access-denied\"";

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (email, role) in IdentitySeeder.DemoUsers)
        {
            foreach (var (path, roles) in AppPages.All)
            {
                data.Add(role, email, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachRoleReachesOnlyItsPages(string role, string email, string path)
    {
        using var client = await app.LoginAsync(email);

        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        var location = response.Headers.Location?.ToString() ?? "";

        Assert.DoesNotContain("/Account/Login", location);
        var allowed = AppPages.Allows(AppPages.All.Single(p => p.Path == path).Roles, role);
        if (!AppPages.Exists(path))
        {
            // Not built on this branch yet: the router answers 404 for everyone signed in.
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        else if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(AccessDenied, html);
            Assert.Contains(email, html);
        }
        else
        {
            // A full page load meets the endpoint's [Authorize] before the router: the cookie handler forbids with a
            // redirect to the access-denied page. (Navigating inside the circuit shows Routes.razor's alert instead.)
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/AccessDenied", location);
            var denied = await client.GetStringAsync(location);
            Assert.Contains(AccessDenied, denied);
        }
    }

    [Fact]
    public async Task TheAdminPagesExistOnThisBranch()
    {
        Assert.True(AppPages.Exists("/admin/users"));
        Assert.True(AppPages.Exists("/admin/audit"));
        Assert.True(AppPages.Exists("/admin/bulk-reset"));
        Assert.False(AppPages.Exists("/admin/nothing-here"));
    }
}
