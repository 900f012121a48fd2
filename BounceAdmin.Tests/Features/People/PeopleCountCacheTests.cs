using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace BounceAdmin.Tests.Features.People;

/// <summary>The people grid keeps the count of a broad filter briefly, and counts narrow filters live.</summary>
public sealed class PeopleCountCacheTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());

    public void Dispose()
    {
        _cache.Dispose();
        _db.Dispose();
    }

    // A threshold of 3 stands for the real 10,000 so the test needs only a handful of people.
    private PeopleService Service(IMemoryCache? cache)
        => new(_db.Factory, FixedCurrentUser.For("marketer@test.local", Roles.Marketer), _clock, cache) { CacheCountsFrom = 3 };

    private void AddPeople(params string[] emails)
    {
        using var db = _db.NewContext();
        foreach (var email in emails)
        {
            db.AddPerson(email);
        }
    }

    [Fact]
    public async Task BroadCountIsReusedWhileRowsAreRead()
    {
        AddPeople("a@x.com", "b@x.com", "c@x.com");
        Assert.Equal(3, (await Service(_cache).SearchAsync(new PeopleQuery())).TotalCount);

        AddPeople("d@x.com");
        var again = await Service(_cache).SearchAsync(new PeopleQuery());

        Assert.Equal(3, again.TotalCount); // the kept count
        Assert.Equal(4, again.Items.Count); // the rows are always live
        Assert.Equal(4, (await Service(cache: null).SearchAsync(new PeopleQuery())).TotalCount);
    }

    [Fact]
    public async Task NarrowCountStaysExact()
    {
        AddPeople("a@x.com", "b@y.com", "c@z.com");
        Assert.Equal(1, (await Service(_cache).SearchAsync(new PeopleQuery("@y"))).TotalCount);

        AddPeople("e@y.com");

        Assert.Equal(2, (await Service(_cache).SearchAsync(new PeopleQuery("@y"))).TotalCount);
    }

    [Fact]
    public async Task NameSearchFollowsRenamesThroughTheFullTextIndex()
    {
        AddPeople("a@x.com", "b@x.com");
        await using (var db = _db.NewContext())
        {
            var person = db.People.Single(p => p.EmailNormalized == "b@x.com");
            person.LastName = "Featherstonehaugh";
            await db.SaveChangesAsync();
            db.People.Remove(db.People.Single(p => p.EmailNormalized == "a@x.com"));
            await db.SaveChangesAsync();
        }

        var found = await Service(cache: null).SearchAsync(new PeopleQuery("therston"));

        Assert.Equal(["b@x.com"], found.Items.Select(i => i.Email));
        // The first name "Test" is still indexed for the renamed person; the deleted one is gone.
        Assert.Equal(["b@x.com"], (await Service(cache: null).SearchAsync(new PeopleQuery("Test"))).Items.Select(i => i.Email));
    }

    [Fact]
    public async Task EachFilterHasItsOwnCount()
    {
        AddPeople("a@x.com", "b@x.com", "c@x.com", "d@y.com");

        Assert.Equal(4, (await Service(_cache).SearchAsync(new PeopleQuery())).TotalCount);
        Assert.Equal(3, (await Service(_cache).SearchAsync(new PeopleQuery("@x.com"))).TotalCount);
        Assert.Equal(1, (await Service(_cache).SearchAsync(new PeopleQuery("@y"))).TotalCount);
    }
}
