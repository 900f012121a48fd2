using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>Issue 14 point 13: the rules service checks the caller's role itself; a system identity passes.</summary>
public sealed class BounceRulesRoleTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private BounceRulesService As(ICurrentUser user) => new(_db.Factory, _clock, user);

    private static BounceInput Input(string key = "k1")
        => new("ann@example.com", "userunknown", key, TestData.Now.AddHours(-1), "test", "5.1.1", 550, "550 5.1.1 User unknown");

    public static TheoryData<string?> NotAllowed => new() { Roles.Marketer, Roles.Manager, null };

    [Theory]
    [MemberData(nameof(NotAllowed))]
    public async Task ApplyAndRematchAreForbiddenToEveryoneButAdmins(string? role)
    {
        var person = _db.NewContext().AddPerson("ann@example.com");
        var rules = As(role is null ? FixedCurrentUser.Anonymous : FixedCurrentUser.For(role.ToLowerInvariant() + "@test", role));

        await Assert.ThrowsAsync<ForbiddenException>(() => rules.ApplyAsync(Input()));
        await Assert.ThrowsAsync<ForbiddenException>(() => rules.ApplyManyAsync([Input("k2")]));
        await Assert.ThrowsAsync<ForbiddenException>(() => rules.OpenSessionAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => rules.RematchUnmatchedAsync());

        await using var db = _db.NewContext();
        Assert.Empty(await db.BounceEvents.ToListAsync());
        Assert.False((await db.People.SingleAsync(p => p.Id == person.Id)).EmailInvalid);
    }

    [Fact]
    public async Task ASystemIdentityActingForAnAnonymousScopePasses()
    {
        var person = _db.NewContext().AddPerson("ann@example.com");
        var inScope = As(FixedCurrentUser.Anonymous);

        var result = await inScope.ActingAs(FixedCurrentUser.For("system:webhook", Roles.Admin)).ApplyAsync(Input());

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        await using var db = _db.NewContext();
        Assert.True((await db.People.SingleAsync(p => p.Id == person.Id)).EmailInvalid);
        Assert.Equal(BounceOutcome.Applied, (await db.BounceEvents.SingleAsync()).Outcome);
        // ActingAs gives a copy: the original still acts for nobody.
        await Assert.ThrowsAsync<ForbiddenException>(() => inScope.ApplyAsync(Input("k3")));
    }
}
