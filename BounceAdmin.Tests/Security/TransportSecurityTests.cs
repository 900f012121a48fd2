using System.Net;
using System.Text.RegularExpressions;
using BounceAdmin.Identity;
using Microsoft.Net.Http.Headers;

namespace BounceAdmin.Tests.Security;

/// <summary>Issue 14 point 10: HTTPS, HSTS, forwarded headers from known proxies only, cookie flags, CSP and the other headers.</summary>
public sealed class TransportSecurityTests(ProductionBounceAdminFactory app) : IClassFixture<ProductionBounceAdminFactory>
{
    private HttpClient Client(Uri baseAddress)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = baseAddress, HandleCookies = false });
        return client;
    }

    [Fact]
    public async Task EveryPageCarriesTheSecurityHeaders()
    {
        using var response = await Client(ProductionBounceAdminFactory.Https).GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Matches("script-src 'self' 'nonce-[0-9A-F]{32}';", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.StartsWith("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());

        // The page's one inline script (the import map) carries this response's nonce.
        var nonce = Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html);
    }

    [Fact]
    public async Task EachResponseHasANonceOfItsOwn()
    {
        var client = Client(ProductionBounceAdminFactory.Https);
        using var first = await client.GetAsync("/Account/Login");
        using var second = await client.GetAsync("/Account/Login");

        Assert.NotEqual(first.Headers.GetValues("Content-Security-Policy").Single(), second.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task PlainHttpIsRedirectedToHttps()
    {
        using var response = await Client(ProductionBounceAdminFactory.Http).GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://bounceadmin.test/Account/Login", response.Headers.Location!.ToString());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task AKnownProxysForwardedProtoCountsAndAStrangersDoesNot()
    {
        var client = Client(ProductionBounceAdminFactory.Http);
        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        viaProxy.Headers.Add(ProductionBounceAdminFactory.RemoteHeader, ProductionBounceAdminFactory.Proxy);
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        viaProxy.Headers.Add("X-Forwarded-For", "198.51.100.20");
        using var proxied = await client.SendAsync(viaProxy);

        using var fromStranger = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        fromStranger.Headers.Add(ProductionBounceAdminFactory.RemoteHeader, "203.0.113.9");
        fromStranger.Headers.Add("X-Forwarded-Proto", "https");
        using var spoofed = await client.SendAsync(fromStranger);

        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.True(proxied.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, spoofed.StatusCode);
    }

    [Fact]
    public async Task CookiesAreSecureHttpOnlyAndSameSiteLaxOrStricter()
    {
        var email = await app.CreateUserAsync(Roles.Marketer, "a long passphrase for tests");
        var client = Client(ProductionBounceAdminFactory.Https);

        using var page = await client.GetAsync("/Account/Login");
        var antiforgery = SetCookies(page).Single(c => c.Name.Value!.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        var token = Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;

        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["_handler"] = "login", ["Input.Email"] = email, ["Input.Password"] = "a long passphrase for tests",
            }),
        };
        post.Headers.Add("Cookie", $"{antiforgery.Name}={antiforgery.Value}");
        using var login = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var session = SetCookies(login).Single(c => c.Name == ".AspNetCore.Identity.Application");
        foreach (var cookie in new[] { antiforgery, session })
        {
            Assert.True(cookie.Secure, $"{cookie.Name} is not Secure");
            Assert.True(cookie.HttpOnly, $"{cookie.Name} is not HttpOnly");
            Assert.True(cookie.SameSite is Microsoft.Net.Http.Headers.SameSiteMode.Lax or Microsoft.Net.Http.Headers.SameSiteMode.Strict, $"{cookie.Name} is SameSite={cookie.SameSite}");
        }

        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, session.SameSite);
    }

    private static List<SetCookieHeaderValue> SetCookies(HttpResponseMessage response)
        => response.Headers.TryGetValues("Set-Cookie", out var values) ? SetCookieHeaderValue.ParseList(values.ToList()).ToList() : [];
}

/// <summary>The policy is one piece, adjustable per path: a path's own policy wins, others get the default.</summary>
public sealed class SecurityHeadersOptionsTests
{
    [Fact]
    public void APathPolicyAppliesBelowItsPrefixOnly()
    {
        var options = new BounceAdmin.Security.SecurityHeadersOptions().ForPath("/scalar", BounceAdmin.Security.SecurityHeaders.ApiReferencePolicy);

        Assert.Contains("'unsafe-inline'", options.PolicyFor("/scalar/v1")("n").Split("style-src")[0]);
        Assert.DoesNotContain("'unsafe-inline'", options.PolicyFor("/scalarish")("n").Split("style-src")[0]);
        Assert.Contains("'nonce-n'", options.PolicyFor("/people")("n"));
        Assert.All(new[] { "/scalar", "/people" }, p => Assert.Contains("frame-ancestors 'none'", options.PolicyFor(p)("n")));
    }

    [Fact]
    public void DevelopmentAddsOnlyTheLocalHotReloadSocket()
    {
        var dev = BounceAdmin.Security.SecurityHeaders.DevelopmentPolicy("n");

        Assert.Contains("connect-src 'self' ws://localhost:* wss://localhost:*;", dev);
        Assert.Equal(BounceAdmin.Security.SecurityHeaders.AppPolicy("n"), dev.Replace(" ws://localhost:* wss://localhost:*", "", StringComparison.Ordinal));
    }
}
