using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.People;

public sealed class PeopleServiceTests : IDisposable
{
    private static readonly DateTime Now = TestData.Now;
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(Now);

    public void Dispose() => _db.Dispose();

    private PeopleService Service(string role = Roles.Marketer)
        => new(_db.Factory, FixedCurrentUser.For(role.ToLowerInvariant() + "@test.local", role), _clock);

    private async Task<List<string?>> EmailsAsync(PeopleQuery q, string role = Roles.Marketer)
        => (await Service(role).SearchAsync(q with { PageSize = 200 })).Items.Select(r => r.Email).ToList();

    private void SeedDirectory()
    {
        using var db = _db.NewContext();
        db.AddPerson("ann.smith@example.com", p => { p.FirstName = "Ann"; p.LastName = "Smith"; p.Company = "Globex"; });
        db.AddPerson("anna.jones@example.org", p => { p.FirstName = "Anna"; p.LastName = "Jones"; p.Company = "Initech"; });
        db.AddPerson("bob@sample.net", p => { p.FirstName = "Bob"; p.LastName = "Annersley"; p.Company = "Acme"; });
        db.AddPerson("carol@examplecorp.com", p => { p.FirstName = "Carol"; p.LastName = "King"; p.Company = "Umbrella 50%_off"; });
        db.AddPerson("Dave@Other.com", p => { p.FirstName = "Dave"; p.LastName = "Brown"; p.Company = "Globex Labs"; });
    }

    [Fact]
    public async Task EmailPrefixFindsOnlyAddressesStartingWithIt()
    {
        SeedDirectory();
        Assert.Equal(["ann.smith@example.com"], await EmailsAsync(new PeopleQuery("ann.smith@ex")));
        Assert.Equal(["anna.jones@example.org"], await EmailsAsync(new PeopleQuery("ANNA.J")));
        // Without '@' a word is an email prefix or part of a name: "ann" also finds Bob Annersley.
        Assert.Equal(["ann.smith@example.com", "anna.jones@example.org", "bob@sample.net"], await EmailsAsync(new PeopleQuery("ANN")));
        // Case-insensitive through EmailNormalized, original spelling shown.
        Assert.Equal(["Dave@Other.com"], await EmailsAsync(new PeopleQuery("dave@o")));
        // A prefix, not a substring: "smith@" is in the middle of an address.
        Assert.Empty(await EmailsAsync(new PeopleQuery("smith@example.com")));
    }

    [Fact]
    public async Task AtSignPrefixSearchesDomains()
    {
        SeedDirectory();
        Assert.Equal(["ann.smith@example.com", "anna.jones@example.org", "carol@examplecorp.com"],
            await EmailsAsync(new PeopleQuery("@example")));
        Assert.Equal(["ann.smith@example.com"], await EmailsAsync(new PeopleQuery("@example.com")));
        Assert.Equal(["Dave@Other.com"], await EmailsAsync(new PeopleQuery("@OTHER.com")));
    }

    [Fact]
    public async Task WordsMatchNamesAndCompanies()
    {
        SeedDirectory();
        // "anner" is inside the last name Annersley; no email starts with it.
        Assert.Equal(["bob@sample.net"], await EmailsAsync(new PeopleQuery("anner")));
        Assert.Equal(["anna.jones@example.org"], await EmailsAsync(new PeopleQuery("jones")));
        Assert.Equal(["ann.smith@example.com", "Dave@Other.com"], await EmailsAsync(new PeopleQuery("globex")));
        // Every word must match something.
        Assert.Equal(["Dave@Other.com"], await EmailsAsync(new PeopleQuery("globex labs")));
        Assert.Equal(["ann.smith@example.com"], await EmailsAsync(new PeopleQuery("ann globex")));
        // LIKE wildcards in the search text are literal.
        Assert.Equal(["carol@examplecorp.com"], await EmailsAsync(new PeopleQuery("50%_")));
        Assert.Empty(await EmailsAsync(new PeopleQuery("5_%")));
    }

    [Fact]
    public async Task DeletedPeopleAreHiddenUnlessAskedFor()
    {
        using (var db = _db.NewContext())
        {
            db.AddPerson("gone@example.com", p => p.IsDeleted = true);
            db.AddPerson("here@example.com");
        }

        Assert.Equal(["here@example.com"], await EmailsAsync(new PeopleQuery()));
        Assert.Equal(["gone@example.com", "here@example.com"], await EmailsAsync(new PeopleQuery(IncludeDeleted: true)));
    }

    private void SeedStatuses()
    {
        using var db = _db.NewContext();
        db.AddPerson("ok@x.com");
        db.AddPerson("invalid@x.com", p => { p.EmailInvalid = true; p.EmailInvalidCause = "550 5.1.1 user unknown"; });
        // Suspended exactly 24 h ago: no longer suspended (mailable again at At + 24 h, inclusive).
        db.AddPerson("susp-24h@x.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = Now.AddHours(-24); });
        // Suspended 23:59:59 ago: still suspended for one second.
        db.AddPerson("susp-now@x.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = Now.AddHours(-24).AddSeconds(1); });
        db.AddPerson("unsub@x.com", p => p.Unsubscribed = true);
        db.AddPerson("block@x.com", p => p.Blocklisted = true);
        db.AddPerson("msusp@x.com", p => p.MarketingSuspended = true);
        db.AddPerson("noemail@x.com", p => { p.Email = null; p.EmailNormalized = null; p.EmailDomain = null; p.LastName = "Nomail"; });
        db.AddPerson("blank@x.com", p => { p.Email = "  "; p.EmailNormalized = null; p.EmailDomain = null; p.LastName = "Blank"; });
    }

    private async Task<List<string>> LastNamesAsync(PeopleStatusFilter status)
        => (await Service().SearchAsync(new PeopleQuery(Status: status, PageSize: 200, SortBy: PeopleSortField.LastName)))
            .Items.Select(r => r.LastName!).ToList();

    [Fact]
    public async Task StatusFiltersFollowPersonStatusRules()
    {
        SeedStatuses();
        Assert.Equal(["invalid"], await LastNamesAsync(PeopleStatusFilter.Invalid));
        Assert.Equal(["susp-now"], await LastNamesAsync(PeopleStatusFilter.Suspended));
        Assert.Equal(["ok", "susp-24h"], await LastNamesAsync(PeopleStatusFilter.Mailable));
        Assert.Equal(["Blank", "Nomail", "block", "invalid", "msusp", "susp-now", "unsub"], await LastNamesAsync(PeopleStatusFilter.Unmailable));
    }

    [Fact]
    public async Task SqlFiltersAgreeWithPersonStatusForEveryRow()
    {
        SeedStatuses();
        var all = (await Service().SearchAsync(new PeopleQuery(PageSize: 200, IncludeDeleted: true))).Items;
        var mailable = (await LastNamesAsync(PeopleStatusFilter.Mailable)).ToHashSet();
        var suspended = (await LastNamesAsync(PeopleStatusFilter.Suspended)).ToHashSet();
        Assert.Equal(9, all.Count);
        foreach (var row in all)
        {
            Assert.Equal(row.Status.Mailable, mailable.Contains(row.LastName!));
            Assert.Equal(row.Status.SuspendedNow, suspended.Contains(row.LastName!));
        }
    }

    [Fact]
    public async Task SuspensionEndsTwentyFourHoursAfterEmailSuspendedAt()
    {
        using (var db = _db.NewContext())
        {
            db.AddPerson("s@x.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = Now.AddHours(-1); });
        }

        var service = Service();
        var id = (await service.SearchAsync(new PeopleQuery())).Items.Single().Id;
        var before = await service.GetDetailsAsync(id);
        Assert.True(before!.Status.SuspendedNow);
        Assert.False(before.Status.Mailable);
        Assert.Equal(Now.AddHours(23), before.Status.MailableAgainAt);
        Assert.Single(await EmailsAsync(new PeopleQuery(Status: PeopleStatusFilter.Suspended)));
        Assert.Empty(await EmailsAsync(new PeopleQuery(Status: PeopleStatusFilter.Mailable)));

        _clock.UtcNow = Now.AddHours(23).AddTicks(-1);
        Assert.Single(await EmailsAsync(new PeopleQuery(Status: PeopleStatusFilter.Suspended)));

        _clock.UtcNow = Now.AddHours(23);
        var after = await service.GetDetailsAsync(id);
        Assert.False(after!.Status.SuspendedNow);
        Assert.True(after.Status.Mailable);
        Assert.True(after.EmailSuspended); // the checkbox stays checked: it is history
        Assert.Empty(await EmailsAsync(new PeopleQuery(Status: PeopleStatusFilter.Suspended)));
        Assert.Equal(["s@x.com"], await EmailsAsync(new PeopleQuery(Status: PeopleStatusFilter.Mailable)));
    }

    [Fact]
    public async Task PagesAreSortedStableAndCounted()
    {
        using (var db = _db.NewContext())
        {
            for (var i = 0; i < 23; i++)
            {
                var n = i;
                db.AddPerson($"p{n:D2}@x.com", p =>
                {
                    p.Company = n % 2 == 0 ? "Even" : "Odd";
                    p.CreatedAt = Now.AddDays(-n);
                    p.UpdatedAt = Now.AddMinutes(n);
                    p.EmailSuspendedAt = n < 3 ? Now.AddDays(-10 - n) : null;
                    p.EmailSuspended = n < 3;
                });
            }
        }

        var s = Service();
        var first = await s.SearchAsync(new PeopleQuery(PageSize: 10));
        var third = await s.SearchAsync(new PeopleQuery(Page: 2, PageSize: 10));
        Assert.Equal(23, first.TotalCount);
        Assert.Equal(23, third.TotalCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"p{i:D2}@x.com"), first.Items.Select(r => r.Email));
        Assert.Equal(["p20@x.com", "p21@x.com", "p22@x.com"], third.Items.Select(r => r.Email));

        var desc = await s.SearchAsync(new PeopleQuery(PageSize: 2, SortBy: PeopleSortField.Email, Descending: true));
        Assert.Equal(["p22@x.com", "p21@x.com"], desc.Items.Select(r => r.Email));

        var created = await s.SearchAsync(new PeopleQuery(PageSize: 2, SortBy: PeopleSortField.CreatedAt));
        Assert.Equal(["p22@x.com", "p21@x.com"], created.Items.Select(r => r.Email));

        var updated = await s.SearchAsync(new PeopleQuery(PageSize: 2, SortBy: PeopleSortField.UpdatedAt, Descending: true));
        Assert.Equal(["p22@x.com", "p21@x.com"], updated.Items.Select(r => r.Email));

        // Equal companies fall back to id order, so paging through "Even" then "Odd" never repeats or skips anyone.
        var byCompany = new List<string?>();
        for (var page = 0; page < 5; page++)
        {
            byCompany.AddRange((await s.SearchAsync(new PeopleQuery(Page: page, PageSize: 5, SortBy: PeopleSortField.Company))).Items.Select(r => r.Email));
        }

        Assert.Equal(23, byCompany.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 23).Where(i => i % 2 == 0).Select(i => $"p{i:D2}@x.com"), byCompany.Take(12));

        // SQLite sorts NULL first ascending, so descending puts the most recent suspension on top.
        var suspended = await s.SearchAsync(new PeopleQuery(PageSize: 3, SortBy: PeopleSortField.EmailSuspendedAt, Descending: true));
        Assert.Equal(["p00@x.com", "p01@x.com", "p02@x.com"], suspended.Items.Select(r => r.Email));
    }

    [Fact]
    public async Task LastNameSortUsesFirstNameForTies()
    {
        using (var db = _db.NewContext())
        {
            db.AddPerson("z@x.com", p => { p.FirstName = "Zed"; p.LastName = "Adams"; });
            db.AddPerson("a@x.com", p => { p.FirstName = "Amy"; p.LastName = "Brown"; });
            db.AddPerson("y@x.com", p => { p.FirstName = "Abe"; p.LastName = "Adams"; });
        }

        Assert.Equal(["y@x.com", "z@x.com", "a@x.com"], await EmailsAsync(new PeopleQuery(SortBy: PeopleSortField.LastName)));
    }

    [Fact]
    public async Task HistoryIsNewestFirst()
    {
        int personId;
        using (var db = _db.NewContext())
        {
            var p = db.AddPerson("h@x.com");
            personId = p.Id;
            var email = db.AddEmail("Welcome");
            var email2 = db.AddEmail("Newsletter");
            var s1 = db.AddSend(email, p, Now.AddDays(-3));
            db.AddEvent(s1, EmailEventType.Delivered, Now.AddDays(-3).AddMinutes(1));
            db.AddEvent(s1, EmailEventType.Opened, Now.AddDays(-2));
            db.AddSend(email2, p, Now.AddDays(-1));
            db.BounceEvents.AddRange(
                Bounce(p.Id, "old", Now.AddDays(-5), "userunknown", 2),
                Bounce(p.Id, "new", Now.AddDays(-1), "mailboxfull", 3));
            db.AuditEntries.AddRange(
                new AuditEntry { PersonId = p.Id, At = Now.AddDays(-5), Actor = "bounce", Field = FieldLabels.EmailInvalid, OldValue = "false", NewValue = "true", Reason = "550 5.1.1" },
                new AuditEntry { PersonId = p.Id, At = Now.AddDays(-1), Actor = "admin@test.local", Field = FieldLabels.EmailInvalid, OldValue = "true", NewValue = "false", Reason = "called them" });
            db.SaveChanges();
            var other = db.AddPerson("other@x.com");
            db.BounceEvents.Add(Bounce(other.Id, "other", Now, "userunknown", 2));
            db.SaveChanges();
        }

        var s = Service();
        var bounces = await s.GetBouncesAsync(personId);
        Assert.Equal(["mailboxfull", "userunknown"], bounces.Select(b => b.Reason));
        Assert.Equal(3, bounces[0].Category);

        var audit = await s.GetAuditAsync(personId);
        Assert.Equal(["called them", "550 5.1.1"], audit.Select(a => a.Reason));

        var activity = await s.GetActivityAsync(personId);
        Assert.Equal(
            [(PersonActivityKind.Sent, "Newsletter"), (PersonActivityKind.Opened, "Welcome"), (PersonActivityKind.Delivered, "Welcome"), (PersonActivityKind.Sent, "Welcome")],
            activity.Items.Select(a => (a.Kind, a.EmailName)));
        Assert.False(activity.HasMore);

        var page1 = await s.GetActivityAsync(personId, skip: 0, take: 3);
        var page2 = await s.GetActivityAsync(personId, skip: 3, take: 3);
        Assert.True(page1.HasMore);
        Assert.False(page2.HasMore);
        Assert.Equal(activity.Items, page1.Items.Concat(page2.Items));
    }

    private static BounceEvent Bounce(int personId, string key, DateTime at, string reason, int category) => new()
    {
        PersonId = personId,
        Recipient = "h@x.com",
        RecipientDomain = "x.com",
        Category = category,
        Reason = reason,
        Kind = category <= 2 ? BounceKind.Hard : BounceKind.Soft,
        Source = "test",
        OccurredAt = at,
        ReceivedAt = at,
        DedupKey = key,
        Outcome = BounceOutcome.Applied,
    };

    [Fact]
    public async Task DetailsCarryTheFiveFieldsAndVersion()
    {
        int id;
        using (var db = _db.NewContext())
        {
            id = db.AddPerson("d@x.com", p =>
            {
                p.EmailSuspended = true;
                p.EmailSuspendedCause = "554 5.7.1 blocked";
                p.EmailSuspendedAt = Now.AddDays(-3);
                p.EmailInvalid = true;
                p.EmailInvalidCause = "550 5.1.1 no such user";
                p.Version = 7;
            }).Id;
        }

        var d = await Service().GetDetailsAsync(id);
        Assert.NotNull(d);
        Assert.True(d.EmailSuspended);
        Assert.Equal("554 5.7.1 blocked", d.EmailSuspendedCause);
        Assert.Equal(Now.AddDays(-3), d.EmailSuspendedAt);
        Assert.True(d.EmailInvalid);
        Assert.Equal("550 5.1.1 no such user", d.EmailInvalidCause);
        Assert.Equal(7, d.Version);
        Assert.Equal(["Email Invalid"], d.Status.NotMailableReasons);
        Assert.Null(await Service().GetDetailsAsync(id + 1000));
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task EveryRoleMayRead(string role)
    {
        using (var db = _db.NewContext())
        {
            db.AddPerson("r@x.com");
        }

        var s = Service(role);
        var row = Assert.Single((await s.SearchAsync(new PeopleQuery())).Items);
        Assert.NotNull(await s.GetDetailsAsync(row.Id));
        Assert.Empty(await s.GetBouncesAsync(row.Id));
        Assert.Empty((await s.GetActivityAsync(row.Id)).Items);
        Assert.Empty(await s.GetAuditAsync(row.Id));
    }

    [Fact]
    public async Task AnonymousAndRolelessUsersAreRefused()
    {
        int id;
        using (var db = _db.NewContext())
        {
            id = db.AddPerson("r@x.com").Id;
        }

        foreach (var user in new[] { FixedCurrentUser.Anonymous, FixedCurrentUser.For("nobody@test.local") })
        {
            var s = new PeopleService(_db.Factory, user, _clock);
            await Assert.ThrowsAsync<ForbiddenException>(() => s.SearchAsync(new PeopleQuery()));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.GetDetailsAsync(id));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.GetBouncesAsync(id));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.GetActivityAsync(id));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.GetAuditAsync(id));
        }
    }

    [Theory]
    [InlineData("invalid", PeopleStatusFilter.Invalid)]
    [InlineData("SUSPENDED", PeopleStatusFilter.Suspended)]
    [InlineData("unmailable", PeopleStatusFilter.Unmailable)]
    [InlineData("mailable", PeopleStatusFilter.Mailable)]
    [InlineData("2", null)]
    [InlineData("bogus", null)]
    [InlineData("invalid,suspended", null)]
    [InlineData(null, null)]
    public void StatusQueryValuesParse(string? value, PeopleStatusFilter? expected)
        => Assert.Equal(expected, PeopleQuery.ParseStatus(value));

    [Fact]
    public void PrefixRangeIncrementsTheLastCharacter()
    {
        Assert.Equal(("ann@", (string?)"annA"), PeopleService.PrefixRange("ann@"));
        Assert.Equal(("a\uffff", (string?)null), PeopleService.PrefixRange("a\uffff"));
    }
}
