using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Features.People;
using BounceAdmin.Features.Reports;

namespace BounceAdmin.Features.Bench;

/// <summary>Status filters of the people grid, as the people service names them.</summary>
public enum BenchPeopleStatus
{
    Invalid,
    Suspended,
    Unmailable,
    Mailable,
}

/// <summary>Sort columns of the people grid that the bench measures.</summary>
public enum BenchPeopleSort
{
    Email,
    LastName,
    CreatedAt,
}

/// <summary>One people-grid request: the shape of the people service's query.</summary>
public sealed record BenchPeopleQuery(
    string? Text,
    BenchPeopleStatus? Status,
    int Page,
    int PageSize = 25,
    BenchPeopleSort SortBy = BenchPeopleSort.Email,
    bool Descending = false);

/// <summary>
/// Every call the bench makes into the app's read services, in one place: PeopleService (SearchAsync, GetDetailsAsync +
/// GetBouncesAsync), EmailPerformanceService (GetReportAsync, GetPeopleAsync) and BounceHealthService (the three calls of
/// its page). Each method returns a count so the work cannot be optimised away and the table can show it.
/// </summary>
public interface IBenchScenarios
{
    /// <summary>One page of the people grid; returns the total count of matches.</summary>
    Task<int> SearchPeopleAsync(BenchPeopleQuery query, CancellationToken ct);

    /// <summary>A person's detail page: the person and the bounce history; returns the number of bounces.</summary>
    Task<int> GetPersonWithBouncesAsync(int personId, CancellationToken ct);

    /// <summary>The Email Performance Report over all emails for [from, to); returns the number of email rows.</summary>
    Task<int> GetReportAsync(DateTime from, DateTime to, CancellationToken ct);

    /// <summary>One drill-down: first page of the people behind Hard Bounced of one email; returns the total.</summary>
    Task<int> GetReportDrillDownAsync(DateTime from, DateTime to, int emailId, CancellationToken ct);

    /// <summary>Sends and hard/soft bounces per receiving domain for [from, to); returns the number of domains.</summary>
    Task<int> GetDomainHealthAsync(DateTime from, DateTime to, CancellationToken ct);
}

/// <summary>Creates the bench's view of the app's services.</summary>
public static class BenchScenarios
{
    /// <summary>
    /// The app's real services (<see cref="PeopleService"/>, <see cref="EmailPerformanceService"/>,
    /// <see cref="BounceHealthService"/>), resolved from the same registrations the app uses.
    /// </summary>
    public static IBenchScenarios Create(IServiceProvider services)
        => new AppBenchScenarios(
            services.GetRequiredService<PeopleService>(),
            services.GetRequiredService<EmailPerformanceService>(),
            services.GetRequiredService<BounceHealthService>());
}

/// <summary>The bench's calls mapped onto the app's services (their role checks included).</summary>
public sealed class AppBenchScenarios(PeopleService people, EmailPerformanceService report, BounceHealthService health) : IBenchScenarios
{
    /// <summary>How many domains the health page's table shows (the bench asks for the same page).</summary>
    private const int TopDomains = 10;

    public async Task<int> SearchPeopleAsync(BenchPeopleQuery q, CancellationToken ct)
    {
        var result = await people.SearchAsync(new PeopleQuery(
            q.Text,
            q.Status switch
            {
                BenchPeopleStatus.Invalid => PeopleStatusFilter.Invalid,
                BenchPeopleStatus.Suspended => PeopleStatusFilter.Suspended,
                BenchPeopleStatus.Unmailable => PeopleStatusFilter.Unmailable,
                BenchPeopleStatus.Mailable => PeopleStatusFilter.Mailable,
                _ => null,
            },
            q.Page,
            q.PageSize,
            q.SortBy switch
            {
                BenchPeopleSort.LastName => PeopleSortField.LastName,
                BenchPeopleSort.CreatedAt => PeopleSortField.CreatedAt,
                _ => PeopleSortField.Email,
            },
            q.Descending), ct);
        return result.Items.Count == 0 && result.TotalCount > 0 && q.Page == 0 ? -1 : result.TotalCount;
    }

    public async Task<int> GetPersonWithBouncesAsync(int personId, CancellationToken ct)
    {
        var person = await people.GetDetailsAsync(personId, ct);
        if (person is null)
        {
            return -1;
        }

        return (await people.GetBouncesAsync(personId, ct)).Count;
    }

    public async Task<int> GetReportAsync(DateTime from, DateTime to, CancellationToken ct)
        => (await report.GetReportAsync(new EmailPerformanceFilter(from, to), ct)).Rows.Count;

    public async Task<int> GetReportDrillDownAsync(DateTime from, DateTime to, int emailId, CancellationToken ct)
        => (await report.GetPeopleAsync(new EmailPerformanceFilter(from, to, EmailId: emailId), EmailPerformanceMetric.HardBounced, 0, 50, ct: ct)).TotalCount;

    /// <summary>
    /// The bounce-health page's load: the ranked domains, the overall 30-day daily series and the incidents of the frame
    /// (from the DomainDailyStats aggregate); returns the number of domains.
    /// </summary>
    public async Task<int> GetDomainHealthAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        var top = await health.GetTopDomainsAsync(from, to, DomainRanking.Sends, TopDomains, ct);
        await health.GetDailySeriesAsync(from, to, null, ct);
        await health.GetIncidentsAsync(from, to, null, ct);
        return top.DomainCount;
    }
}
