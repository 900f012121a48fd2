using BounceAdmin.Features.People;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.People;

/// <summary>
/// Proves with SQLite's own query planner that email and domain searches are index range searches, not table scans,
/// which is what keeps them fast on a large database (issue 4). Timing is left to the benchmark.
/// </summary>
public sealed class PeopleQueryPlanTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private string PlanOf(Func<IQueryable<BounceAdmin.Data.Entities.Person>, IQueryable<BounceAdmin.Data.Entities.Person>> build)
    {
        using var db = _db.NewContext();
        using var cmd = build(db.People.AsNoTracking()).CreateDbCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + cmd.CommandText;
        if (cmd.Connection!.State != System.Data.ConnectionState.Open)
        {
            cmd.Connection.Open();
        }

        using var reader = cmd.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join("\n", lines);
    }

    [Theory]
    [InlineData("ann@ex", "IX_People_EmailNormalized")]
    [InlineData("@example.c", "IX_People_EmailDomain_EmailNormalized")]
    public void EmailAndDomainPrefixesSearchAnIndexRange(string text, string index)
    {
        var plan = PlanOf(q => PeopleService.ApplyText(q, text));

        Assert.Matches($@"SEARCH p USING (COVERING )?INDEX {index} \((EmailNormalized|EmailDomain)>\? AND \w+<\?\)", plan);
        Assert.DoesNotContain("SCAN", plan);
    }

    [Fact]
    public void SuspendedNowSearchesTheSuspendedAtIndex()
    {
        var plan = PlanOf(q => PeopleService.ApplyStatus(q, PeopleStatusFilter.Suspended, TestData.Now));

        // Two-sided range (the service adds a far-future upper bound) so the planner sees a narrow range.
        Assert.Contains("USING INDEX IX_People_EmailSuspendedAt (EmailSuspendedAt>? AND EmailSuspendedAt<?)", plan);
    }

    /// <summary>
    /// The grid's own query shape (live people, status, sort with the id tie-break): each broad filter is answered by its
    /// partial index in the sort order, so neither the page nor the count scans the table or sorts every match.
    /// </summary>
    [Theory]
    [InlineData(PeopleStatusFilter.Invalid, PeopleSortField.LastName, false, "IX_People_Invalid_LastName_FirstName")]
    [InlineData(PeopleStatusFilter.Mailable, PeopleSortField.Email, false, "IX_People_Mailable_Email")]
    [InlineData(null, PeopleSortField.CreatedAt, true, "IX_People_Live_CreatedAt")]
    public void GridFiltersWalkTheirPartialIndexInSortOrder(PeopleStatusFilter? status, PeopleSortField sort, bool descending, string index)
    {
        var plan = PlanOf(q =>
        {
            var live = q.Where(p => !p.IsDeleted);
            var filtered = status is { } s ? PeopleService.ApplyStatus(live, s, TestData.Now) : live;
            return PeopleService.Sort(filtered, sort, descending).Skip(100).Take(25);
        });

        Assert.Matches($@"SCAN p USING (COVERING )?INDEX {index}\b", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }

    [Fact]
    public void MailableFilterReadsOnlyItsPartialIndex()
    {
        // (Without statistics the planner may count Invalid along any live-people index; the bench shows its choice.)
        var plan = PlanOf(q => PeopleService.ApplyStatus(q.Where(p => !p.IsDeleted), PeopleStatusFilter.Mailable, TestData.Now));

        Assert.Matches(@"SCAN p USING (COVERING )?INDEX IX_People_Mailable_Email\b", plan);
    }

    [Fact]
    public void WordSearchUnionsTheEmailIndexAndTheFullTextIndex()
    {
        using var db = _db.NewContext();
        using var cmd = PeopleService.ApplyText(db.People.AsNoTracking().Where(p => !p.IsDeleted), "emma.b", PeopleService.TextMatches(db))
            .CreateDbCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + cmd.CommandText;
        cmd.Connection!.Open();
        using var reader = cmd.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        var plan = string.Join("\n", lines);
        Assert.Contains("MULTI-INDEX OR", plan);
        Assert.Contains("SEARCH p USING INDEX IX_People_EmailNormalized (EmailNormalized>? AND EmailNormalized<?)", plan);
        Assert.Contains("VIRTUAL TABLE INDEX", plan);
        Assert.DoesNotContain("SCAN p", plan);
    }

    [Fact]
    public void OneDomainIsAnEqualityThatDeliversTheEmailOrder()
    {
        var plan = PlanOf(q => PeopleService.Sort(q.Where(p => !p.IsDeleted && p.EmailDomain == "gmail.com"), PeopleSortField.Email, false)
            .Skip(100).Take(25));

        Assert.Matches(@"SEARCH p USING (COVERING )?INDEX IX_People_(Live_)?EmailDomain_EmailNormalized \(EmailDomain=\?\)", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }
}
