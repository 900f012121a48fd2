using BounceAdmin.Data;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.People;

/// <summary>Issue 14 point 13: <see cref="PersonAdminService.UpdateAsync"/> audits every field it changes, and only those.</summary>
public sealed class PersonUpdateAuditTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private PersonAdminService As(string role) => new(_db.Factory, FixedCurrentUser.For(role.ToLowerInvariant() + "@test", role), _clock);

    [Fact]
    public async Task EveryChangedFieldHasAnAuditEntryWithItsOldAndNewValue()
    {
        var person = _db.NewContext().AddPerson("ann@example.com");

        await As(Roles.Admin).UpdateAsync(person.Id, new PersonEdit(
            FirstName: "Annie", LastName: person.LastName, Company: " Globex ", Unsubscribed: true, MarketingSuspended: false,
            Blocklisted: true, Reason: "Asked by phone"));

        await using var db = _db.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.PersonId == person.Id).ToListAsync();
        var byField = audit.ToDictionary(a => a.Field);
        Assert.Equal(["Blocklisted", "Company", "FirstName", "Unsubscribed"], byField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Test", "Annie"), (byField["FirstName"].OldValue, byField["FirstName"].NewValue));
        Assert.Equal(("Acme", "Globex"), (byField["Company"].OldValue, byField["Company"].NewValue));
        Assert.Equal(("false", "true"), (byField["Unsubscribed"].OldValue, byField["Unsubscribed"].NewValue));
        Assert.Equal(("false", "true"), (byField["Blocklisted"].OldValue, byField["Blocklisted"].NewValue));
        Assert.All(audit, a => Assert.Equal("Asked by phone", a.Reason));
        Assert.All(audit, a => Assert.Equal("admin@test", a.Actor));

        var saved = await db.People.AsNoTracking().SingleAsync(p => p.Id == person.Id);
        Assert.Equal(("Annie", "Globex", true, true), (saved.FirstName, saved.Company, saved.Unsubscribed, saved.Blocklisted));
    }

    [Fact]
    public async Task AnEditThatChangesNothingWritesNothing()
    {
        var person = _db.NewContext().AddPerson("ann@example.com");

        await As(Roles.Admin).UpdateAsync(person.Id, new PersonEdit(FirstName: "Test", Unsubscribed: false));

        await using var db = _db.NewContext();
        Assert.Empty(await db.AuditEntries.Where(a => a.PersonId == person.Id).ToListAsync());
        Assert.Equal(TestData.Now.AddDays(-100), (await db.People.AsNoTracking().SingleAsync(p => p.Id == person.Id)).UpdatedAt);
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task OnlyAnAdminMayEdit(string role)
    {
        var person = _db.NewContext().AddPerson("ann@example.com");

        await Assert.ThrowsAsync<ForbiddenException>(() => As(role).UpdateAsync(person.Id, new PersonEdit(FirstName: "X")));

        await using var db = _db.NewContext();
        Assert.Equal("Test", (await db.People.AsNoTracking().SingleAsync(p => p.Id == person.Id)).FirstName);
    }
}
