using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Admin;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Admin;

public sealed class BulkResetServiceTests : IDisposable
{
    private readonly AdminTestContext _t = new();

    public void Dispose() => _t.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private BulkResetService Service => _t.Get<BulkResetService>();

    private static readonly BulkResetFilter AtAlpha = new(BulkResetFilterKind.Domain, Domain: "alpha.example");

    private Person AddInvalid(string email, string cause = "550 5.1.1 user unknown")
    {
        using var db = _t.Db.NewContext();
        return db.AddPerson(email, p => { p.EmailInvalid = true; p.EmailInvalidCause = cause; });
    }

    private void AddBounce(Person p, DateTime at, int category = 2)
    {
        using var db = _t.Db.NewContext();
        var email = p.Email!;
        var domain = email[(email.IndexOf('@') + 1)..];
        db.BounceEvents.Add(new BounceEvent
        {
            PersonId = p.Id, Recipient = email, RecipientDomain = domain, Category = category, Reason = "userunknown",
            Kind = BounceKind.Hard, Source = "test", DedupKey = Guid.NewGuid().ToString(), OccurredAt = at, ReceivedAt = at,
        });
        db.SaveChanges();
    }

    private Person Reload(int id)
    {
        using var db = _t.Db.NewContext();
        return db.People.AsNoTracking().Single(p => p.Id == id);
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task EveryMethodIsForbiddenToNonAdmins(string role)
    {
        var p = AddInvalid("a@alpha.example");
        _t.ActAs(role);
        var svc = Service;

        await Assert.ThrowsAsync<ForbiddenException>(() => svc.PreviewAsync(AtAlpha));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.ApplyAsync(AtAlpha, "known good", 1));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.RecentBatchesAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.UndoAsync(Guid.NewGuid(), "oops"));
        Assert.True(Reload(p.Id).EmailInvalid);
    }

    [Fact]
    public async Task PreviewCountsOnlyInvalidPeopleAtTheDomainAndListsTheFirstFifty()
    {
        for (var i = 0; i < 55; i++)
        {
            AddInvalid($"p{i:00}@alpha.example");
        }

        using (var db = _t.Db.NewContext())
        {
            db.AddPerson("valid@alpha.example");
            db.AddPerson("other@beta.example", p => p.EmailInvalid = true);
        }

        var preview = await Service.PreviewAsync(AtAlpha with { Domain = " @Alpha.Example " });

        Assert.Equal(55, preview.Count);
        Assert.Equal(BulkResetService.PreviewSize, preview.FirstPeople.Count);
        Assert.Equal("p00@alpha.example", preview.FirstPeople[0].Email);
        Assert.All(preview.FirstPeople, c => Assert.EndsWith("@alpha.example", c.Email));
    }

    [Fact]
    public async Task ApplyClearsEveryoneWithOneAuditedBatch()
    {
        var a = AddInvalid("a@alpha.example");
        var b = AddInvalid("b@alpha.example", cause: "550 no such mailbox");
        var other = AddInvalid("c@beta.example");

        var result = await Service.ApplyAsync(AtAlpha, "  Provider confirmed the outage  ", expectedCount: 2);

        Assert.Equal(2, result.Changed);
        Assert.False(Reload(a.Id).EmailInvalid);
        Assert.Null(Reload(b.Id).EmailInvalidCause);
        Assert.True(Reload(other.Id).EmailInvalid);

        using var db = _t.Db.NewContext();
        var entries = db.AuditEntries.Where(e => e.BatchId == result.BatchId).ToList();
        Assert.Equal(4, entries.Count);
        Assert.All(entries, e => Assert.Equal("admin@test.local", e.Actor));
        Assert.All(entries, e => Assert.Equal("Provider confirmed the outage", e.Reason));
        Assert.Equal([a.Id, b.Id], entries.Where(e => e.Field == FieldLabels.EmailInvalid).Select(e => e.PersonId).Order());
        Assert.Equal("550 no such mailbox", entries.Single(e => e.PersonId == b.Id && e.Field == FieldLabels.EmailInvalidCause).OldValue);
    }

    [Fact]
    public async Task ApplyNeedsAReason()
    {
        var a = AddInvalid("a@alpha.example");

        await Assert.ThrowsAsync<ArgumentException>(() => Service.ApplyAsync(AtAlpha, "   ", 1));

        Assert.True(Reload(a.Id).EmailInvalid);
    }

    [Fact]
    public async Task ApplyRefusesWhenTheSelectionChangedSinceThePreview()
    {
        var a = AddInvalid("a@alpha.example");
        var preview = await Service.PreviewAsync(AtAlpha);
        AddInvalid("late@alpha.example");

        var ex = await Assert.ThrowsAsync<BounceRuleException>(() => Service.ApplyAsync(AtAlpha, "ok", preview.Count));

        Assert.Contains("now has 2 people instead of 1", ex.Message);
        Assert.True(Reload(a.Id).EmailInvalid);
        using var db = _t.Db.NewContext();
        Assert.Empty(db.AuditEntries);
    }

    [Fact]
    public async Task ABounceIncidentSelectsPeopleWithCategoryTwoBouncesInTheWindowAtTheDomain()
    {
        var inWindow = AddInvalid("in@alpha.example");
        var before = AddInvalid("before@alpha.example");
        var category1 = AddInvalid("cat1@alpha.example");
        AddBounce(inWindow, TestData.Now.AddHours(-5));
        AddBounce(before, TestData.Now.AddDays(-5));
        AddBounce(category1, TestData.Now.AddHours(-5), category: 1);

        var filter = new BulkResetFilter(BulkResetFilterKind.BounceIncident, "alpha.example", TestData.Now.AddHours(-6), TestData.Now);
        var preview = await Service.PreviewAsync(filter);

        Assert.Equal(inWindow.Id, Assert.Single(preview.FirstPeople).PersonId);
        await Assert.ThrowsAsync<ArgumentException>(() => Service.PreviewAsync(filter with { ToUtc = filter.FromUtc }));
    }

    [Fact]
    public async Task ASearchMatchesEmailNameOrCompany()
    {
        var byEmail = AddInvalid("zed@alpha.example");
        var byCompany = AddInvalid("y@beta.example");
        using (var db = _t.Db.NewContext())
        {
            var p = db.People.Single(x => x.Id == byCompany.Id);
            p.Company = "Zedcorp";
            db.SaveChanges();
        }

        AddInvalid("nobody@gamma.example");

        var preview = await Service.PreviewAsync(new BulkResetFilter(BulkResetFilterKind.Search, Search: "ZED"));

        Assert.Equal([byEmail.Id, byCompany.Id], preview.FirstPeople.Select(c => c.PersonId).Order());
        await Assert.ThrowsAsync<ArgumentException>(() => Service.PreviewAsync(new BulkResetFilter(BulkResetFilterKind.Search, Search: "z")));
    }

    [Fact]
    public async Task UndoRestoresPeopleNotChangedSinceAndKeepsLaterChanges()
    {
        var a = AddInvalid("a@alpha.example", cause: "cause A");
        var b = AddInvalid("b@alpha.example", cause: "cause B");
        var run = await Service.ApplyAsync(AtAlpha, "outage", 2);

        _t.Clock.Advance(TimeSpan.FromHours(2));
        await _t.Get<PersonAdminService>().UpdateAsync(b.Id, new PersonEdit(FirstName: "Changed"));
        _t.Clock.Advance(TimeSpan.FromHours(1));

        var undo = await Service.UndoAsync(run.BatchId, "wrong domain");

        Assert.Equal(1, undo.Changed);
        Assert.Equal([b.Id], undo.Skipped);
        var ra = Reload(a.Id);
        Assert.True(ra.EmailInvalid);
        Assert.Equal("cause A", ra.EmailInvalidCause);
        Assert.False(Reload(b.Id).EmailInvalid);

        using var db = _t.Db.NewContext();
        var undoEntries = db.AuditEntries.Where(e => e.BatchId == undo.BatchId).ToList();
        Assert.Equal(2, undoEntries.Count);
        Assert.All(undoEntries, e => Assert.Equal(a.Id, e.PersonId));
        Assert.All(undoEntries, e => Assert.StartsWith(BulkResetService.UndoReasonPrefix + run.BatchId, e.Reason));
        Assert.Contains(undoEntries, e => e.Field == FieldLabels.EmailInvalid && e.OldValue == "false" && e.NewValue == "true");
    }

    [Fact]
    public async Task UndoSkipsPeopleALaterBounceChanged()
    {
        var a = AddInvalid("a@alpha.example");
        var b = AddInvalid("b@alpha.example");
        var run = await Service.ApplyAsync(AtAlpha, "outage", 2);
        _t.Clock.Advance(TimeSpan.FromMinutes(5));
        using (var db = _t.Db.NewContext())
        {
            db.AuditEntries.Add(new AuditEntry { PersonId = b.Id, At = _t.Clock.UtcNow, Actor = "bounce", Field = FieldLabels.EmailSuspended, OldValue = "false", NewValue = "true", Reason = "554" });
            db.SaveChanges();
        }

        var undo = await Service.UndoAsync(run.BatchId, "oops");

        Assert.Equal(1, undo.Changed);
        Assert.Equal([b.Id], undo.Skipped);
        Assert.True(Reload(a.Id).EmailInvalid);
    }

    [Fact]
    public async Task UndoWorksOnceAndOnlyWithinTwentyFourHours()
    {
        AddInvalid("a@alpha.example");
        var run = await Service.ApplyAsync(AtAlpha, "outage", 1);
        await Service.UndoAsync(run.BatchId, "oops");

        var twice = await Assert.ThrowsAsync<BounceRuleException>(() => Service.UndoAsync(run.BatchId, "again"));
        Assert.Contains("already been undone", twice.Message);

        AddInvalid("b@alpha.example");
        AddInvalid("c@alpha.example");
        var later = await Service.ApplyAsync(AtAlpha, "outage 2", 3);
        _t.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var tooLate = await Assert.ThrowsAsync<BounceRuleException>(() => Service.UndoAsync(later.BatchId, "oops"));
        Assert.Contains("24 hours", tooLate.Message);

        var batches = await Service.RecentBatchesAsync();
        Assert.Equal([later.BatchId, run.BatchId], batches.Select(x => x.BatchId));
        Assert.Equal(3, batches[0].People);
        Assert.False(batches[0].CanUndo);
        Assert.True(batches[1].Undone);
    }
}
