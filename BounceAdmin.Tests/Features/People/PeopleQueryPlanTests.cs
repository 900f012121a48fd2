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

        Assert.Contains("USING INDEX IX_People_EmailSuspendedAt (EmailSuspendedAt>?)", plan);
    }
}
