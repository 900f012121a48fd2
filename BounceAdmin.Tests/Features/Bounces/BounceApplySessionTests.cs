using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>
/// The session that applies a run of messages on one connection (ingest, upload, bench): one transaction per message,
/// a failed message leaves nothing behind and does not stop the run, and the database refuses what the rules forbid
/// even from raw SQL. The rules themselves are covered by <see cref="BounceRulesServiceTests"/>, which run through it.
/// </summary>
public sealed class BounceApplySessionTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly BounceRulesService _rules;

    public BounceApplySessionTests() => _rules = new BounceRulesService(_db.Factory, new TestClock(TestData.Now), BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));

    public void Dispose() => _db.Dispose();

    private static BounceInput Invalid(string recipient, string key)
        => new(recipient, "userunknown", key, TestData.Now.AddMinutes(-5), "test", "5.1.1", 550, "550 5.1.1 User unknown");

    [Fact]
    public async Task EachMessageIsItsOwnTransaction_AndABadMessageStopsNeitherTheOthersNorTheSession()
    {
        var (ann, bob, cat) = (_db.NewContext().AddPerson("ann@example.com"), _db.NewContext().AddPerson("bob@example.com"), _db.NewContext().AddPerson("cat@example.com"));

        await using var session = await _rules.OpenSessionAsync();
        var first = await session.ApplyManyAsync([Invalid("ann@example.com", "m1")]);
        // The second message has a valid bounce for Bob and one that is not a bounce address at all: none of it is applied.
        await Assert.ThrowsAsync<ArgumentException>(() => session.ApplyManyAsync([Invalid("bob@example.com", "m2a"), Invalid("not-an-address", "m2b")]));
        var third = await session.ApplyManyAsync([Invalid("cat@example.com", "m3"), Invalid("cat@example.com", "m1")]);

        Assert.Equal(ApplyOutcome.Applied, first[0].Outcome);
        Assert.Equal([ApplyOutcome.Applied, ApplyOutcome.Duplicate], third.Select(r => r.Outcome));
        await using var db = _db.NewContext();
        Assert.True((await db.People.SingleAsync(p => p.Id == ann.Id)).EmailInvalid);
        Assert.False((await db.People.SingleAsync(p => p.Id == bob.Id)).EmailInvalid);
        Assert.True((await db.People.SingleAsync(p => p.Id == cat.Id)).EmailInvalid);
        Assert.Equal(["m1", "m3"], await db.BounceEvents.OrderBy(b => b.Id).Select(b => b.DedupKey).ToListAsync());
        Assert.Empty(await db.AuditEntries.Where(a => a.PersonId == bob.Id).ToListAsync());
    }

    [Fact]
    public async Task AFailureAfterTheFirstBounceWasWritten_RollsTheWholeMessageBack()
    {
        var ann = _db.NewContext().AddPerson("ann@example.com");
        _db.NewContext().AddPerson("bob@example.com");
        using (var db = _db.NewContext())
        {
            // A temporary trigger (this connection only) makes the database refuse Bob's bounce after Ann's is stored.
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TEMP TRIGGER fail_bob AFTER INSERT ON BounceEvents WHEN NEW.Recipient = 'bob@example.com'
                BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                """);
        }

        await using var session = await _rules.OpenSessionAsync();
        var error = await Assert.ThrowsAsync<SqliteException>(() => session.ApplyManyAsync([Invalid("ann@example.com", "a"), Invalid("bob@example.com", "b")]));

        Assert.Contains("refused for the test", error.Message, StringComparison.Ordinal);
        await using (var db = _db.NewContext())
        {
            Assert.False((await db.People.SingleAsync(p => p.Id == ann.Id)).EmailInvalid);
            Assert.Empty(await db.BounceEvents.ToListAsync());
            Assert.Empty(await db.AuditEntries.ToListAsync());
            Assert.Empty(await db.Set<DomainDailyStat>().ToListAsync());
        }

        // The session still works: the same bounce for Ann alone goes in.
        var retry = await session.ApplyManyAsync([Invalid("ann@example.com", "a")]);
        Assert.Equal(ApplyOutcome.Applied, retry[0].Outcome);
    }

    [Fact]
    public async Task TheSessionTunesItsConnection_AndGivesItBackWithSQLitesDefaults()
    {
        var connection = (SqliteConnection)_db.NewContext().Database.GetDbConnection();
        long CacheSize()
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA cache_size";
            return (long)cmd.ExecuteScalar()!;
        }

        var before = CacheSize();
        await using (await _rules.OpenSessionAsync())
        {
            Assert.Equal(-65536, CacheSize());
        }

        Assert.Equal(-2000, before);
        Assert.Equal(before, CacheSize());
    }

    [Fact]
    public void TheDatabaseRefusesClearingEmailSuspended_OrMovingItsTimeBack_EvenFromRawSql()
    {
        var at = TestData.Now.AddHours(-2);
        var person = _db.NewContext().AddPerson("sue@example.com", p => (p.EmailSuspended, p.EmailSuspendedAt) = (true, at));
        using var db = _db.NewContext();

        var cleared = Assert.Throws<SqliteException>(() => db.Database.ExecuteSql($"UPDATE People SET EmailSuspended = 0 WHERE Id = {person.Id}"));
        var movedBack = Assert.Throws<SqliteException>(() => db.Database.ExecuteSql($"UPDATE People SET EmailSuspendedAt = {at.AddMinutes(-1)} WHERE Id = {person.Id}"));
        var nulled = Assert.Throws<SqliteException>(() => db.Database.ExecuteSql($"UPDATE People SET EmailSuspendedAt = NULL WHERE Id = {person.Id}"));
        var forward = db.Database.ExecuteSql($"UPDATE People SET EmailSuspendedAt = {at.AddMinutes(1)}, EmailInvalid = 1 WHERE Id = {person.Id}");

        Assert.Contains(SuspensionGuardTriggers.ClearedMessage, cleared.Message, StringComparison.Ordinal);
        Assert.Contains(SuspensionGuardTriggers.MovedBackMessage, movedBack.Message, StringComparison.Ordinal);
        Assert.Contains(SuspensionGuardTriggers.MovedBackMessage, nulled.Message, StringComparison.Ordinal);
        Assert.Equal(1, forward);
        var stored = db.People.AsNoTracking().Single(p => p.Id == person.Id);
        Assert.True(stored.EmailSuspended);
        Assert.Equal(at.AddMinutes(1), stored.EmailSuspendedAt);
    }

    [Fact]
    public async Task AComplaintUnsubscribesThroughTheSession_WithItsAuditEntry()
    {
        var person = _db.NewContext().AddPerson("dan@example.com");
        using (var sends = _db.NewContext())
        {
            // Issue 14: only a complaint about a send of ours unsubscribes (here a send to the person in the last 30 days).
            sends.AddSend(sends.AddEmail("News dan"), person, TestData.Now.AddDays(-1));
        }

        var result = await _rules.ApplyAsync(new BounceInput("dan@example.com", "feedback", "arf-1", TestData.Now, "test"));

        Assert.Equal(ApplyOutcome.NotABounce, result.Outcome);
        await using var db = _db.NewContext();
        var stored = await db.People.SingleAsync(p => p.Id == person.Id);
        Assert.True(stored.Unsubscribed);
        Assert.Equal(TestData.Now, stored.UpdatedAt);
        Assert.Equal(person.Version + 1, stored.Version);
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.PersonId == person.Id).ToListAsync());
        Assert.Equal(("Unsubscribed", "false", "true", result.BounceEventId), (audit.Field, audit.OldValue, audit.NewValue, audit.BounceEventId));
        Assert.StartsWith("Complaint", audit.Reason, StringComparison.Ordinal);
    }
}
