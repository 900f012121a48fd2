using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Mailability;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Http;

namespace BounceAdmin.Tests.Features.Mailability;

/// <summary>The mailability service: SPEC §2 through PersonStatus, the scope checked by the service, the reason codes.</summary>
public sealed class MailabilityServiceTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private MailabilityService WithKey(params string[] scopes)
    {
        var key = new ApiKey { Id = 1, Name = "test", PublicId = "x", SecretHash = [], Scopes = string.Join(' ', scopes), CreatedBy = "t" };
        var accessor = new HttpContextAccessor { HttpContext = new DefaultHttpContext { User = ApiCaller.PrincipalFor(key) } };
        return new MailabilityService(_db.Factory, new ApiCurrentUser(accessor), _clock);
    }

    private MailabilityService AsStaff(string role) => new(_db.Factory, FixedCurrentUser.For(role + "@test.local", role), _clock);

    private async Task AddAsync(string email, Action<Person> change)
    {
        await using var db = _db.NewContext();
        var p = new Person { Email = email, EmailNormalized = email, EmailDomain = "example.com", CreatedAt = _clock.UtcNow, UpdatedAt = _clock.UtcNow };
        change(p);
        db.People.Add(p);
        await db.SaveChangesAsync();
    }

    public static TheoryData<string, string> Flags => new()
    {
        { "blocklisted", "blocklisted" },
        { "emailInvalid", "emailInvalid" },
        { "marketingSuspended", "marketingSuspended" },
        { "unsubscribed", "unsubscribed" },
        { "suspendedNow", "emailSuspended" },
    };

    private static void Set(Person p, string flag, DateTime now)
    {
        switch (flag)
        {
            case "blocklisted": p.Blocklisted = true; break;
            case "emailInvalid": p.EmailInvalid = true; break;
            case "marketingSuspended": p.MarketingSuspended = true; break;
            case "unsubscribed": p.Unsubscribed = true; break;
            case "suspendedNow": p.EmailSuspended = true; p.EmailSuspendedAt = now.AddHours(-1); break;
        }
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public async Task EachReasonOfSpec2HasItsCodeInTheBatchAndTheSuppressionList(string flag, string code)
    {
        await AddAsync("p@example.com", p => Set(p, flag, _clock.UtcNow));
        var service = WithKey(ApiScopes.MailabilityRead);

        var answer = (await service.CheckAsync(["p@example.com"])).Results.Single();
        var listed = await (await service.OpenSuppressionsAsync(null)).ToListAsync();

        Assert.Equal((false, code), (answer.Mailable, answer.Reason));
        Assert.Equal(code, listed.Single().Reason);
        Assert.Equal(flag == "suspendedNow", answer.MailableAgainAt is not null);
    }

    [Fact]
    public async Task TheSuppressionListAgreesWithPersonStatusForEveryCombination()
    {
        var now = _clock.UtcNow;
        var suspensions = new DateTime?[] { null, now.AddHours(-1), now.AddHours(-25) };
        var i = 0;
        foreach (var flags in Enumerable.Range(0, 16))
        {
            foreach (var at in suspensions)
            {
                var n = i++;
                await AddAsync($"c{n}@example.com", p =>
                {
                    p.Blocklisted = (flags & 1) != 0;
                    p.EmailInvalid = (flags & 2) != 0;
                    p.MarketingSuspended = (flags & 4) != 0;
                    p.Unsubscribed = (flags & 8) != 0;
                    p.EmailSuspended = at is not null;
                    p.EmailSuspendedAt = at;
                });
            }
        }

        var service = WithKey(ApiScopes.MailabilityRead);
        var listed = (await (await service.OpenSuppressionsAsync(null)).ToListAsync()).Select(r => r.Email).ToHashSet();
        await using var db = _db.NewContext();
        var expected = db.People.AsEnumerable().Where(p => !PersonStatus.Of(p, now).Mailable).Select(p => p.EmailNormalized!).ToHashSet();
        var batch = await service.CheckAsync(db.People.Select(p => p.Email).ToList());

        Assert.Equal(expected.Order(), listed.Order());
        Assert.Equal(expected.Order(), batch.Results.Where(r => !r.Mailable).Select(r => r.Email).Order());
        Assert.Equal(48 - expected.Count, batch.Counts.Mailable);
    }

    [Fact]
    public async Task WithoutTheScopeTheServiceRefusesWhateverTheEndpointSays()
    {
        var service = WithKey(ApiScopes.EventsWrite);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.CheckAsync(["a@example.com"]));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.GetPersonAsync("a@example.com"));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.OpenSuppressionsAsync(null));
        // Staff: the person and batch calls are for API keys; the suppression export is for Managers and Admins.
        await Assert.ThrowsAsync<ForbiddenException>(() => AsStaff(Roles.Admin).CheckAsync(["a@example.com"]));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsStaff(Roles.Marketer).OpenSuppressionsAsync(null));
        Assert.NotNull(await AsStaff(Roles.Manager).OpenSuppressionsAsync(null));
    }

    [Fact]
    public async Task MoreThanTheLimitIsRefusedBeforeAnyLookup()
    {
        var service = WithKey(ApiScopes.MailabilityRead);
        var ex = await Assert.ThrowsAsync<BatchTooLargeException>(() => service.CheckAsync(Enumerable.Repeat("a@example.com", MailabilityService.MaxBatch + 1).ToList()));
        Assert.Contains("10,000", ex.Message);
    }

    [Theory]
    [InlineData("Ann@Example.com", true, "ann@example.com")]
    [InlineData("  ann@example.com ", true, "ann@example.com")]
    [InlineData("Ann <ann@example.com>", false, "")]
    [InlineData("ann@", false, "")]
    [InlineData("@example.com", false, "")]
    [InlineData("ann@@example.com", false, "")]
    [InlineData("ann example@example.com", false, "")]
    [InlineData("ann@example..com", false, "")]
    [InlineData("o'brien+tag@sub.example.co.uk", true, "o'brien+tag@sub.example.co.uk")]
    [InlineData("\"john doe\"@example.com", true, "\"john doe\"@example.com")]
    [InlineData("jörg@bücher.example", true, "jörg@bücher.example")]
    [InlineData(".ann@example.com", false, "")]
    [InlineData("ann.@example.com", false, "")]
    [InlineData("an..n@example.com", false, "")]
    [InlineData("ann@-example.com", false, "")]
    [InlineData("ann@exa_mple.com", false, "")]
    [InlineData("ann(comment)@example.com", false, "")]
    [InlineData(null, false, "")]
    public void AddressesAreCheckedAndNormalised(string? raw, bool ok, string normalized)
    {
        Assert.Equal(ok, MailAddressCheck.TryNormalize(raw, out var n));
        Assert.Equal(normalized, n);
    }
}
