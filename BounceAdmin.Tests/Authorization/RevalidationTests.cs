using System.Security.Claims;
using BounceAdmin.Components.Account;
using BounceAdmin.Data;
using BounceAdmin.Identity;
using BounceAdmin.Tests.Features.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Tests.Authorization;

/// <summary>
/// Issue 14 point 11: an open circuit loses its user at the next revalidation (every minute) once the cookie has
/// expired, or the user was locked out or lost a role — even where the security stamp did not change.
/// </summary>
public sealed class RevalidationTests : IAsyncLifetime
{
    private readonly AdminTestContext _t = new();
    private ApplicationUser _user = default!;

    public async Task InitializeAsync() => _user = await _t.AddUserAsync("manager@test.local", Roles.Manager);

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private IdentityRevalidatingAuthenticationStateProvider Provider() => new(
        NullLoggerFactory.Instance, _t.Services.GetRequiredService<IServiceScopeFactory>(),
        _t.Services.GetRequiredService<IOptions<IdentityOptions>>(), _t.Clock);

    private async Task<ClaimsPrincipal> PrincipalAsync()
    {
        await using var scope = _t.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        return await factory.CreateAsync((await users.FindByIdAsync(_user.Id))!);
    }

    [Fact]
    public async Task AFreshSessionStaysValid()
        => Assert.True(await Provider().IsStillValidAsync(await PrincipalAsync()));

    [Fact]
    public async Task ALockoutByFailedSignInsEndsTheCircuit()
    {
        var principal = await PrincipalAsync();
        await using (var scope = _t.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(_user.Id))!;
            for (var i = 0; i < 5; i++)
            {
                await users.AccessFailedAsync(user);
            }

            Assert.True(await users.IsLockedOutAsync(user));
        }

        Assert.False(await Provider().IsStillValidAsync(principal));
    }

    [Fact]
    public async Task ARoleTakenAwayEndsTheCircuitEvenWithoutANewStamp()
    {
        var principal = await PrincipalAsync();
        await using (var db = _t.Db.NewContext())
        {
            // Straight in the table: no code path that renews the security stamp.
            await db.UserRoles.Where(r => r.UserId == _user.Id).ExecuteDeleteAsync();
        }

        Assert.False(await Provider().IsStillValidAsync(principal));
    }

    [Fact]
    public async Task AnExpiredCookieEndsTheCircuit()
    {
        var principal = await PrincipalAsync();
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionExpiry.ClaimType,
            _t.Clock.GetUtcNow().AddSeconds(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.False(await Provider().IsStillValidAsync(principal));
    }

    [Fact]
    public async Task TheCookieHandlerStampsTheExpiryOnThePrincipal()
    {
        var options = new CookieAuthenticationOptions { ExpireTimeSpan = TimeSpan.FromHours(8), SlidingExpiration = true };
        options.Events.OnValidatePrincipal = _ => Task.CompletedTask;
        SessionExpiry.AddTo(options);
        var principal = await PrincipalAsync();
        var issued = _t.Clock.GetUtcNow().AddMinutes(-10);
        var properties = new AuthenticationProperties { IssuedUtc = issued, ExpiresUtc = issued.AddHours(8) };
        var http = new DefaultHttpContext { RequestServices = _t.Services };
        var context = new CookieValidatePrincipalContext(http,
            new AuthenticationScheme(IdentityConstants.ApplicationScheme, null, typeof(CookieAuthenticationHandler)), options,
            new AuthenticationTicket(principal, properties, IdentityConstants.ApplicationScheme));

        await options.Events.ValidatePrincipal(context);

        Assert.Equal(issued.AddHours(8).ToUnixTimeSeconds(), SessionExpiry.Of(context.Principal!)!.Value.ToUnixTimeSeconds());
    }
}
