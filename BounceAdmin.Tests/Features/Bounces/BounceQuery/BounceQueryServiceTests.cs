using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using static BounceAdmin.Tests.Features.Bounces.BounceQuery.BounceFixtures;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

public sealed class BounceQueryServiceTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);
    private Dictionary<string, long> _ids = [];

    public async Task InitializeAsync() => _ids = await SeedAsync(_db, _clock);

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private BounceQueryService Service(string? role = Roles.Marketer)
        => new(_db.Factory, role is null ? FixedCurrentUser.Anonymous : FixedCurrentUser.For("user@test.local", role));

    private async Task<string[]> KeysAsync(BounceFilter filter)
    {
        var page = await Service().ListAsync(filter, 0, 100);
        var byId = _ids.ToDictionary(kv => kv.Value, kv => kv.Key);
        Assert.Equal(page.Items.Count, page.TotalCount);
        return page.Items.Select(r => byId[r.Id]).Order().ToArray();
    }

    public static TheoryData<string, BounceFilter, string[]> Filters => new()
    {
        { "category 2", new BounceFilter(Category: 2), [Invalid, FalsePositive] },
        { "category 1", new BounceFilter(Category: 1), [Blocked] },
        { "category 9", new BounceFilter(Category: 9), [Unmatched, OnHold] },
        { "reason", new BounceFilter(Reason: "mailboxfull"), [MailboxFull] },
        { "reason, any case", new BounceFilter(Reason: " UserUnknown "), [Invalid, FalsePositive] },
        { "kind hard", new BounceFilter(Kind: BounceKind.Hard), [Invalid, Blocked, FalsePositive] },
        { "kind soft", new BounceFilter(Kind: BounceKind.Soft), [MailboxFull, Network, Unmatched, OnHold] },
        { "kind none", new BounceFilter(Kind: BounceKind.None), [Vacation] },
        { "domain part", new BounceFilter(Domain: "CONTOSO"), [MailboxFull, Network, FalsePositive] },
        { "domain exact", new BounceFilter(Domain: "yahoo.com"), [Blocked, OnHold] },
        { "source part", new BounceFilter(Source: "webhook"), [Blocked, OnHold] },
        { "source exact", new BounceFilter(Source: "dsn"), [Invalid, Network, Vacation, FalsePositive] },
        { "from", new BounceFilter(From: Now.AddDays(-4)), [Blocked, Unmatched, FalsePositive] },
        { "to (exclusive)", new BounceFilter(To: Now.AddDays(-10)), [Network, Vacation] },
        { "range", new BounceFilter(From: Now.AddDays(-8), To: Now.AddDays(-2)), [MailboxFull, FalsePositive, OnHold] },
        { "outcome applied", new BounceFilter(Outcome: BounceOutcome.Applied), [Invalid, Blocked, MailboxFull, Network, FalsePositive, OnHold] },
        { "outcome unmatched", new BounceFilter(Outcome: BounceOutcome.Unmatched), [Unmatched] },
        { "outcome not a bounce", new BounceFilter(Outcome: BounceOutcome.NotABounce), [Vacation] },
        { "false positive", new BounceFilter(SuspectedFalsePositive: true), [FalsePositive] },
        { "combined", new BounceFilter(Category: 2, Domain: "gmail"), [Invalid] },
        { "nothing", new BounceFilter(Domain: "nowhere.example"), [] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EachFilterNarrowsToExactlyTheMatchingBounces(string name, BounceFilter filter, string[] expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expected.Order().ToArray(), await KeysAsync(filter));
    }

    [Fact]
    public async Task NoFilterListsEverythingNewestFirst()
    {
        var page = await Service().ListAsync(new BounceFilter(), 0, 100);

        Assert.Equal(All.Length, page.TotalCount);
        Assert.Equal(page.Items.OrderByDescending(r => r.OccurredAt).Select(r => r.Id), page.Items.Select(r => r.Id));
        Assert.Equal(_ids[Blocked], page.Items[0].Id);
    }

    [Fact]
    public async Task PagesSplitTheListWithoutOverlap()
    {
        var first = await Service().ListAsync(new BounceFilter(), 0, 3);
        var third = await Service().ListAsync(new BounceFilter(), 2, 3);

        Assert.Equal(3, first.Items.Count);
        Assert.Equal(All.Length - 6, third.Items.Count);
        Assert.Equal(All.Length, first.TotalCount);
        Assert.Empty(first.Items.Select(r => r.Id).Intersect(third.Items.Select(r => r.Id)));
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task EverySignedInRoleMayRead(string role)
    {
        Assert.Equal(All.Length, (await Service(role).ListAsync(new BounceFilter())).TotalCount);
        Assert.NotNull(await Service(role).ExplainAsync(_ids[Invalid]));
    }

    [Fact]
    public async Task AnonymousIsRefused()
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => Service(null).ListAsync(new BounceFilter()));
        await Assert.ThrowsAsync<ForbiddenException>(() => Service(null).ExplainAsync(_ids[Invalid]));
        await Assert.ThrowsAsync<ForbiddenException>(() => Service(null).ListReasonsAsync());
    }

    [Fact]
    public async Task SignedInWithoutARoleIsRefused()
        => await Assert.ThrowsAsync<ForbiddenException>(() => new BounceQueryService(_db.Factory, FixedCurrentUser.For("x@test.local")).ListAsync(new BounceFilter()));

    [Fact]
    public async Task ReasonsListsTheReasonsPresent()
        => Assert.Equal(["blocked", "mailboxfull", "networkerror", "onhold", "undefined", "userunknown", "vacation"], await Service().ListReasonsAsync());
}
