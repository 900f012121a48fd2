using System.Security.Cryptography;
using System.Text;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Features.Api;

/// <summary>The key service: Admin only (checked by the service), stored as a hash, checked in constant time, audited.</summary>
public sealed class ApiKeyServiceTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private ApiKeyService As(string role) => new(_db.Factory, FixedCurrentUser.For(role.ToLowerInvariant() + "@test.local", role), _clock, NullLogger<ApiKeyService>.Instance);

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task MarketersAndManagersAreRefusedByTheService(string role)
    {
        var admin = await As(Roles.Admin).CreateAsync("sync", [ApiScopes.MailabilityRead], null);
        var service = As(role);

        await Assert.ThrowsAsync<ForbiddenException>(() => service.CreateAsync("x", [ApiScopes.MailabilityRead], null));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.ListAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => service.RevokeAsync(admin.Row.Id));
        Assert.Null((await As(Roles.Admin).ListAsync()).Single().RevokedAt);
    }

    [Fact]
    public async Task AnAnonymousCallerIsRefused()
    {
        var service = new ApiKeyService(_db.Factory, FixedCurrentUser.Anonymous, _clock, NullLogger<ApiKeyService>.Instance);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.CreateAsync("x", [ApiScopes.MailabilityRead], null));
    }

    [Fact]
    public async Task TheKeyIsStoredOnlyAsTheHashOfItsSecret()
    {
        var created = await As(Roles.Admin).CreateAsync("ESP sync", [ApiScopes.EventsWrite, ApiScopes.MailabilityRead], null);

        Assert.True(ApiKeySecret.TryParse(created.Key, out var publicId, out var secret));
        Assert.True(secret.Length >= 43); // 32 random bytes, base64url
        await using var db = _db.NewContext();
        var row = await db.ApiKeys.SingleAsync();
        Assert.Equal(publicId, row.PublicId);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), row.SecretHash);
        Assert.DoesNotContain(secret, row.Name + row.PublicId + row.Scopes + row.CreatedBy);
        Assert.Equal("mailability:read events:write", row.Scopes);
        Assert.Equal("admin@test.local", row.CreatedBy);
        Assert.DoesNotContain(secret, created.Row.Shown);
    }

    [Fact]
    public async Task TwoKeysNeverShareASecretOrAnId()
    {
        var a = await As(Roles.Admin).CreateAsync("a", [ApiScopes.MailabilityRead], null);
        var b = await As(Roles.Admin).CreateAsync("b", [ApiScopes.MailabilityRead], null);
        Assert.NotEqual(a.Key, b.Key);
        Assert.NotEqual(a.Row.PublicId, b.Row.PublicId);
    }

    [Theory]
    [InlineData("", "mailability:read", "name")]
    [InlineData("ok", "", "scope")]
    [InlineData("ok", "admin:all", "Unknown scope")]
    public async Task BadInputIsRefusedWithAMessage(string name, string scope, string expected)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => As(Roles.Admin).CreateAsync(name, scope.Length == 0 ? [] : [scope], null));
        Assert.Contains(expected, ex.Message);
        await using var db = _db.NewContext();
        Assert.Equal(0, await db.ApiKeys.CountAsync());
    }

    [Fact]
    public async Task AnExpiryInThePastAndADuplicateNameAreRefused()
    {
        var admin = As(Roles.Admin);
        await Assert.ThrowsAsync<ArgumentException>(() => admin.CreateAsync("old", [ApiScopes.MailabilityRead], _clock.UtcNow.AddMinutes(-1)));
        await admin.CreateAsync("dup", [ApiScopes.MailabilityRead], null);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => admin.CreateAsync(" dup ", [ApiScopes.MailabilityRead], null));
        Assert.Contains("already", ex.Message);
    }

    [Fact]
    public async Task CheckAcceptsTheKeyAndRefusesExpiredRevokedAndTamperedOnes()
    {
        var admin = As(Roles.Admin);
        var live = await admin.CreateAsync("live", [ApiScopes.MailabilityRead], null);
        var expiring = await admin.CreateAsync("expiring", [ApiScopes.MailabilityRead], _clock.UtcNow.AddHours(1));
        var revoked = await admin.CreateAsync("revoked", [ApiScopes.MailabilityRead], null);
        await admin.RevokeAsync(revoked.Row.Id);

        Assert.Equal("live", (await admin.CheckAsync(live.Key)).Key?.Name);
        Assert.Equal("expiring", (await admin.CheckAsync(expiring.Key)).Key?.Name);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ApiKeyFailure.Expired, (await admin.CheckAsync(expiring.Key)).Failure);
        Assert.Equal(ApiKeyFailure.Revoked, (await admin.CheckAsync(revoked.Key)).Failure);
        Assert.Equal(ApiKeyFailure.Unknown, (await admin.CheckAsync(live.Key[..^1] + (live.Key[^1] == 'x' ? 'y' : 'x'))).Failure);
        Assert.Equal(ApiKeyFailure.Malformed, (await admin.CheckAsync("hello")).Failure);
        Assert.Equal("live", (await admin.CheckAsync(live.Key)).Key?.Name);
    }

    [Fact]
    public async Task RevokingRecordsWhoAndWhenAndKeepsTheRow()
    {
        var admin = As(Roles.Admin);
        var created = await admin.CreateAsync("to revoke", [ApiScopes.PeopleWrite], null);

        var row = await admin.RevokeAsync(created.Row.Id);

        Assert.Equal("admin@test.local", row.RevokedBy);
        Assert.Equal(_clock.UtcNow, row.RevokedAt);
        Assert.False(row.IsActive(_clock.UtcNow));
        Assert.Single(await admin.ListAsync());
    }

    [Fact]
    public async Task LastUsedAtIsWrittenAtMostOnceAMinute()
    {
        var admin = As(Roles.Admin);
        var created = await admin.CreateAsync("busy", [ApiScopes.MailabilityRead], null);
        await admin.CheckAsync(created.Key);
        var first = (await admin.ListAsync()).Single().LastUsedAt;
        _clock.Advance(TimeSpan.FromSeconds(30));
        await admin.CheckAsync(created.Key);
        Assert.Equal(first, (await admin.ListAsync()).Single().LastUsedAt);
        _clock.Advance(TimeSpan.FromSeconds(31));
        await admin.CheckAsync(created.Key);
        Assert.Equal(_clock.UtcNow, (await admin.ListAsync()).Single().LastUsedAt);
    }

    [Fact]
    public async Task TheApiPrincipalNamesTheKeyForServicesThatAuditByName()
    {
        var created = await As(Roles.Admin).CreateAsync("ESP sync", [ApiScopes.EventsWrite], null);
        var key = (await As(Roles.Admin).CheckAsync(created.Key)).Key!;
        var http = new DefaultHttpContext { User = ApiCaller.PrincipalFor(key) };
        var accessor = new HttpContextAccessor { HttpContext = http };

        // The app's own ICurrentUser outside a circuit, and the API's: both name the key.
        var circuit = new CircuitCurrentUser(null, accessor);
        var api = new ApiCurrentUser(accessor);

        Assert.Equal("apikey:ESP sync", await circuit.RequireScopeAsync(ApiScopes.EventsWrite));
        Assert.Equal("apikey:ESP sync", (await api.GetPrincipalAsync()).Identity?.Name);
        await Assert.ThrowsAsync<ForbiddenException>(() => api.RequireScopeAsync(ApiScopes.MailabilityRead));
        // A key is no staff user: it holds no role.
        await Assert.ThrowsAsync<ForbiddenException>(() => api.RequireRoleAsync(Roles.Anyone));
    }

    [Fact]
    public async Task AStaffUserHoldsNoScope()
    {
        var staff = FixedCurrentUser.For("admin@test.local", Roles.Admin);
        await Assert.ThrowsAsync<ForbiddenException>(() => staff.RequireScopeAsync(ApiScopes.MailabilityRead));
        Assert.Equal("admin@test.local", await staff.RequireScopeOrRoleAsync(ApiScopes.MailabilityRead, Roles.ReportReaders));
        var marketer = FixedCurrentUser.For("m@test.local", Roles.Marketer);
        await Assert.ThrowsAsync<ForbiddenException>(() => marketer.RequireScopeOrRoleAsync(ApiScopes.MailabilityRead, Roles.ReportReaders));
    }
}
