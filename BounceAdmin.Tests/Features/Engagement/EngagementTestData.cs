using System.Security.Claims;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Engagement;

/// <summary>Callers and checks shared by the sends and events tests.</summary>
internal static class EngagementTestData
{
    /// <summary>A principal as an API key authenticates it: the key's name and one scope claim per scope.</summary>
    public static ICurrentUser Key(string name, params string[] scopes)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, ApiCaller.NamePrefix + name), new(ClaimTypes.NameIdentifier, ApiCaller.NamePrefix + name) };
        claims.AddRange(scopes.Select(s => new Claim(ApiScopes.ScopeClaim, s)));
        return new FixedCurrentUser(new ClaimsPrincipal(new ClaimsIdentity(claims, ApiScopes.Scheme)));
    }

    public static ICurrentUser Writer { get; } = Key("crm-sync", ApiScopes.EventsWrite);

    public static ICurrentUser WriterWithPeople { get; } = Key("crm-sync", ApiScopes.EventsWrite, ApiScopes.PeopleWrite);

    /// <summary>
    /// The report's maintained aggregates (daily counts, send flags, repeated sends, per-domain days) as text, then the same after a full
    /// rebuild from the raw rows: the two must be equal.
    /// </summary>
    public static async Task<(string Maintained, string Rebuilt)> AggregatesAndRebuildAsync(SqliteTestDatabase database)
    {
        var maintained = await SnapshotAsync(database);
        await using (var db = database.NewContext())
        {
            await EmailStats.RebuildAsync(db);
            await BounceAdmin.Features.BounceHealth.DomainStatsWriter.RebuildAsync(db);
        }

        return (maintained, await SnapshotAsync(database));
    }

    private static async Task<string> SnapshotAsync(SqliteTestDatabase database)
    {
        await using var db = database.NewContext();
        var days = (await db.Set<EmailDailyStat>().AsNoTracking().ToListAsync())
            .Where(d => d.Sent != 0 || d.Delivered != 0 || d.Pending != 0 || d.HardBounced != 0 || d.SoftBounced != 0 || d.Opened != 0
                || d.Clicked != 0 || d.Unsubscribed != 0)
            .OrderBy(d => d.Day).ThenBy(d => d.EmailId)
            .Select(d => $"{d.Day} e{d.EmailId}: sent {d.Sent} del {d.Delivered} hard {d.HardBounced} soft {d.SoftBounced} pend {d.Pending} op {d.Opened} cl {d.Clicked} un {d.Unsubscribed}");
        var flags = (await db.Sends.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, s.ReportFlags }).ToListAsync())
            .Select(s => $"s{s.Id}={s.ReportFlags}");
        var repeats = (await db.Set<EmailRepeatSend>().AsNoTracking().OrderBy(r => r.SendId).ToListAsync())
            .Select(r => $"r{r.SendId}/{r.EmailId}/{r.PersonId}={r.ReportFlags}");
        // Bounce health's per-domain days too: sends posted here count there as well.
        var domains = (await db.Set<DomainDailyStat>().AsNoTracking().ToListAsync())
            .OrderBy(d => d.Day).ThenBy(d => d.Domain, StringComparer.Ordinal)
            .Select(d => $"{d.Day:yyyy-MM-dd} {d.Domain}: sent {d.Sent} hard {d.HardBounced} soft {d.SoftBounced} c {d.Category1}/{d.Category2}/{d.Category3}/{d.Category4}/{d.Category9}");
        return string.Join("\n", days.Concat(flags).Concat(repeats).Concat(domains));
    }
}
