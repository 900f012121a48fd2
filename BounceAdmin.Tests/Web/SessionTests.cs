using System.Net;
using System.Text.RegularExpressions;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using BounceAdmin.Data;
using BounceAdmin.Features.Admin;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace BounceAdmin.Tests.Web;

/// <summary>Log-in failures, lockout and logout over plain HTTP, through the real account pages.</summary>
[Collection(WebCollection.Name)]
public sealed class SessionTests(BounceAdminFactory app)
{
    [Fact]
    public async Task ABadPasswordShowsTheError()
    {
        var email = await app.CreateUserAsync(Roles.Marketer);
        using var client = app.CreateBrowserLikeClient();

        using var response = await BounceAdminFactory.PostLoginAsync(client, email, "wrong-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invalid email or password.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FiveBadPasswordsLockTheAccount()
    {
        var email = await app.CreateUserAsync(Roles.Marketer);
        using var client = app.CreateBrowserLikeClient();

        for (var i = 0; i < 4; i++)
        {
            using var bad = await BounceAdminFactory.PostLoginAsync(client, email, "wrong-password");
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        }

        using var fifth = await BounceAdminFactory.PostLoginAsync(client, email, "wrong-password");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.EndsWith("/Account/Lockout", fifth.Headers.Location?.ToString());

        using var right = await BounceAdminFactory.PostLoginAsync(client, email, IdentitySeeder.DemoPassword);
        Assert.EndsWith("/Account/Lockout", right.Headers.Location?.ToString());
    }

    [Fact]
    public async Task LogoutEndsTheSessionAndTheOldCookieStopsWorking()
    {
        var email = await app.CreateUserAsync(Roles.Manager);
        var cookies = new CookieContainer();
        using var client = await app.LoginAsync(email, cookies: cookies);
        using var home = await client.GetAsync("/");
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains(email, html);
        var cookie = cookies.GetCookieHeader(client.BaseAddress!);
        Assert.Contains(".AspNetCore.Identity.Application=", cookie);

        var token = Regex.Match(html, "action=\"Account/Logout\".*?name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"", RegexOptions.Singleline).Groups[1].Value;
        Assert.NotEmpty(token);
        using var logout = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location?.ToString());

        // Replay the cookie from before the logout in a client without a cookie jar: the new security stamp rejects it.
        using var replay = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(HeaderNames.Cookie, cookie);
        using var replayed = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/Account/Login", replayed.Headers.Location?.ToString());
    }

    [Fact]
    public async Task ACopiedCookieWorksWhileTheSessionLasts()
    {
        // The control for the replay above: the same replay before logout is accepted, so the test can tell the two apart.
        var email = await app.CreateUserAsync(Roles.Manager);
        var cookies = new CookieContainer();
        using var client = await app.LoginAsync(email, cookies: cookies);
        using var replay = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(HeaderNames.Cookie, cookies.GetCookieHeader(client.BaseAddress!));

        using var response = await replay.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(email, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LockingAUserEndsTheirSessionAtOnce()
    {
        var email = await app.CreateUserAsync(Roles.Marketer);
        using var client = await app.LoginAsync(email);
        using (var before = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var id = (await users.FindByEmailAsync(email))!.Id;
            var admin = new UserAdminService(app.Services.GetRequiredService<IServiceScopeFactory>(),
                FixedCurrentUser.For(IdentitySeeder.AdminEmail, Roles.Admin), TimeProvider.System);
            var result = await admin.LockAsync(id);
            Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        }

        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location?.ToString());
    }
}
