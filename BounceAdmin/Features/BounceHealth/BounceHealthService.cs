using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.BounceHealth;

/// <summary>
/// Bounce health per receiving domain and over time (SPEC §5 "bounce rates per receiving domain and over time"), for
/// Managers and Admins. Reads only the <see cref="DomainDailyStat"/> aggregate: a live count would join every send of
/// the frame to its person (3–6 s at 10M sends, BENCH.md "Domain health"). Frames are whole UTC days, half-open
/// [from, to). Rates are over the frame's sends; a bounce counts on the day it happened, so a rate can exceed 100 %
/// when late bounces answer earlier sends.
/// </summary>
public sealed class BounceHealthService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser)
{
    /// <summary>The longest frame accepted, in days.</summary>
    public const int MaxFrameDays = 400;

    /// <summary>
    /// The incident rule: on a day with at least 20 sends and 5 hard bounces, a domain whose hard-bounce rate is at least
    /// max(3 × its baseline rate, baseline + 5 percentage points) is flagged, the baseline being its hard bounces over
    /// sends in the 30 days before (at least 50 sends, else the day is not judged). A steady high rate is its own
    /// baseline and is not flagged; a jump is. Such a jump is typical of a block or spam filter answering with
    /// "user unknown" (SPEC §3), so its Category 2 bounces deserve review before they count as dead addresses.
    /// </summary>
    public static IncidentRule DefaultIncidentRule { get; } = new();

    /// <summary>Every domain of the frame ranked, the first <paramref name="take"/> returned, with the totals of all.</summary>
    public async Task<DomainHealthSummary> GetTopDomainsAsync(
        DateTime from, DateTime to, DomainRanking ranking = DomainRanking.Sends, int take = 10, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        CheckFrame(from, to);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A few thousand domains at most per frame: summed in SQL, ranked here, so the totals and the count come free.
        var all = await db.Set<DomainDailyStat>().AsNoTracking()
            .Where(s => s.Day >= from && s.Day < to)
            .GroupBy(s => s.Domain)
            .Select(g => new DomainHealthRow(g.Key, g.Sum(s => s.Sent), g.Sum(s => s.HardBounced), g.Sum(s => s.SoftBounced),
                g.Sum(s => s.Category1), g.Sum(s => s.Category2), g.Sum(s => s.Category3), g.Sum(s => s.Category4), g.Sum(s => s.Category9)))
            .ToListAsync(ct);

        var ranked = ranking == DomainRanking.Bounces
            ? all.OrderByDescending(r => r.Bounced).ThenByDescending(r => r.Sent)
            : all.OrderByDescending(r => r.Sent).ThenByDescending(r => r.Bounced);
        var totals = new DomainHealthRow(null, all.Sum(r => r.Sent), all.Sum(r => r.HardBounced), all.Sum(r => r.SoftBounced),
            all.Sum(r => r.Category1), all.Sum(r => r.Category2), all.Sum(r => r.Category3), all.Sum(r => r.Category4), all.Sum(r => r.Category9));
        return new DomainHealthSummary(from, to, totals, ranked.ThenBy(r => r.Domain, StringComparer.Ordinal).Take(take).ToList(), all.Count);
    }

    /// <summary>One point per UTC day of the frame (days without data are zeros), for all domains or for one.</summary>
    public async Task<IReadOnlyList<DailyHealthPoint>> GetDailySeriesAsync(DateTime from, DateTime to, string? domain = null, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        CheckFrame(from, to);
        var normalized = string.IsNullOrWhiteSpace(domain) ? null : domain.Trim().ToLowerInvariant();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stats = db.Set<DomainDailyStat>().AsNoTracking().Where(s => s.Day >= from && s.Day < to);
        if (normalized is not null)
        {
            stats = stats.Where(s => s.Domain == normalized);
        }

        var days = await stats
            .GroupBy(s => s.Day)
            .Select(g => new DailyHealthPoint(g.Key, g.Sum(s => s.Sent), g.Sum(s => s.HardBounced), g.Sum(s => s.SoftBounced)))
            .ToDictionaryAsync(p => p.Day, ct);
        var series = new List<DailyHealthPoint>((int)(to - from).TotalDays);
        for (var day = from; day < to; day = day.AddDays(1))
        {
            series.Add(days.TryGetValue(day, out var point) ? point : new DailyHealthPoint(day, 0, 0, 0));
        }

        return series;
    }

    /// <summary>
    /// Days of the frame on which a domain's hard-bounce rate jumped above its own baseline (<see cref="DefaultIncidentRule"/>
    /// unless another rule is given), newest first.
    /// </summary>
    public async Task<IReadOnlyList<DomainIncident>> GetIncidentsAsync(DateTime from, DateTime to, IncidentRule? rule = null, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.ReportReaders);
        CheckFrame(from, to);
        rule ??= DefaultIncidentRule;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Only days that pass the absolute thresholds can be incidents (the rate must reach baseline + MinRise ≥ MinRise),
        // so the baselines are read for those few domains only.
        var candidates = await db.Set<DomainDailyStat>().AsNoTracking()
            .Where(s => s.Day >= from && s.Day < to && s.Sent >= rule.MinDaySent && s.HardBounced >= rule.MinDayHard
                && s.HardBounced >= s.Sent * rule.MinRise)
            .ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return [];
        }

        var domains = candidates.Select(c => c.Domain).Distinct().ToList();
        var historyFrom = from.AddDays(-rule.BaselineDays);
        var history = await db.Set<DomainDailyStat>().AsNoTracking()
            .Where(s => domains.Contains(s.Domain) && s.Day >= historyFrom && s.Day < to)
            .Select(s => new { s.Domain, s.Day, s.Sent, s.HardBounced })
            .ToListAsync(ct);
        var byDomain = history.ToLookup(h => h.Domain);

        var incidents = new List<DomainIncident>();
        foreach (var c in candidates)
        {
            var windowFrom = c.Day.AddDays(-rule.BaselineDays);
            var window = byDomain[c.Domain].Where(h => h.Day >= windowFrom && h.Day < c.Day).ToList();
            var baselineSent = window.Sum(h => h.Sent);
            var baselineHard = window.Sum(h => h.HardBounced);
            if (rule.IsIncident(c.Sent, c.HardBounced, baselineSent, baselineHard))
            {
                incidents.Add(new DomainIncident(c.Domain, c.Day, c.Sent, c.HardBounced, c.Category1, c.Category2,
                    DomainHealthRow.Rate(baselineHard, baselineSent), baselineSent));
            }
        }

        return incidents.OrderByDescending(i => i.Day).ThenByDescending(i => i.HardRate).ThenBy(i => i.Domain, StringComparer.Ordinal).ToList();
    }

    private static void CheckFrame(DateTime from, DateTime to)
    {
        if (from.TimeOfDay != TimeSpan.Zero || to.TimeOfDay != TimeSpan.Zero)
        {
            throw new ArgumentException("A frame is a number of whole UTC days: both bounds must be midnight.");
        }

        if (to <= from || (to - from).TotalDays > MaxFrameDays)
        {
            throw new ArgumentException($"A frame runs forward over 1 to {MaxFrameDays} days.");
        }
    }
}
