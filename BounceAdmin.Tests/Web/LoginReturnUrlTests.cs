using System.Net;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Web;

/// <summary>Issue 14 point 11: after login, a ReturnUrl that leaves the app lands on the home page (it was a 500).</summary>
[Collection(WebCollection.Name)]
public sealed class LoginReturnUrlTests(BounceAdminFactory app)
{
    [Theory]
    [InlineData("//evil.example")]
    [InlineData("//evil.example/people")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task AReturnUrlToAnotherSiteLandsOnTheHomePage(string returnUrl)
    {
        var email = await app.CreateUserAsync(Roles.Marketer);
        var client = app.CreateBrowserLikeClient();

        using var response = await BounceAdminFactory.PostLoginAsync(client, email, IdentitySeeder.DemoPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = new Uri(new Uri("http://localhost/"), response.Headers.Location!);
        Assert.Equal("localhost", location.Host);
        Assert.Equal("/", location.AbsolutePath);
    }

    [Fact]
    public async Task AReturnUrlInsideTheAppIsKept()
    {
        var email = await app.CreateUserAsync(Roles.Marketer);
        var client = app.CreateBrowserLikeClient();

        using var response = await BounceAdminFactory.PostLoginAsync(client, email, IdentitySeeder.DemoPassword, "/people?status=invalid");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = new Uri(new Uri("http://localhost/"), response.Headers.Location!);
        Assert.Equal(("localhost", "/people", "?status=invalid"), (location.Host, location.AbsolutePath, location.Query));
    }
}
