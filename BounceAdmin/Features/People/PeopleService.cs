using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace BounceAdmin.Features.People;

/// <summary>
/// Reads people for the people list and a person's page. Every method needs a signed-in user with any role; searching,
/// filtering, sorting and paging all run in SQL so the list stays usable on a large database.
/// </summary>
/// <remarks>
/// Scale (issue 4, Features/Bench/BENCH.md): predicates are written so SQLite's planner can use the partial indexes of
/// <c>PersonConfiguration</c>; every sort ends with the id in the same direction, which those indexes deliver; and the
/// count of a broad filter (at least <see cref="CachedCountThreshold"/> matches, i.e. a scan of that many index entries)
/// is kept for <see cref="CountCacheFor"/> per (text, status, deleted) in <paramref name="countCache"/>, so turning pages
/// does not recount a million rows. Narrow counts are always exact and live.
/// </remarks>
public sealed class PeopleService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock, IMemoryCache? countCache = null)
{
    /// <summary>How long the count of a broad filter is reused.</summary>
    public static readonly TimeSpan CountCacheFor = TimeSpan.FromSeconds(60);

    /// <summary>Counts below this are not cached (cheap to recount, and expected to be exact after an edit).</summary>
    public const int CachedCountThreshold = 10_000;

    /// <summary>The smallest count that is cached (<see cref="CachedCountThreshold"/>; tests lower it).</summary>
    internal int CacheCountsFrom { get; init; } = CachedCountThreshold;

    // No time is that late: an upper bound that changes nothing but makes the planner see a narrow range on
    // EmailSuspendedAt instead of estimating a quarter of the table and walking the email index.
    private static readonly DateTime FarFuture = new(9000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime NeverSuspended = new(1, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Most bounce or audit rows one call returns; a person with more is an outlier worth a dedicated report.</summary>
    public const int MaxHistoryRows = 500;

    /// <summary>Searches, filters, sorts and pages people. See <see cref="PeopleQuery.Text"/> for the search semantics.</summary>
    public async Task<PeopleSearchResult> SearchAsync(PeopleQuery q, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(q);
        await currentUser.RequireRoleAsync(Roles.Anyone);
        var now = clock.GetUtcNow().UtcDateTime;
        var pageSize = Math.Clamp(q.PageSize, 1, PeopleQuery.MaxPageSize);
        var page = Math.Max(q.Page, 0);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var people = db.People.AsNoTracking();
        if (!q.IncludeDeleted)
        {
            people = people.Where(p => !p.IsDeleted);
        }

        people = await NarrowDomainAsync(db, people, q.Text, ct) ?? ApplyText(people, q.Text, TextMatches(db));
        if (q.Status is { } status)
        {
            people = ApplyStatus(people, status, now);
        }

        var total = await CountAsync(people, q, ct);
        var rows = await Sort(people, q.SortBy, q.Descending)
            .Skip(page * pageSize)
            .Take(pageSize)
            .Select(p => new
            {
                p.Id, p.Email, p.FirstName, p.LastName, p.Company, p.EmailSuspended, p.EmailSuspendedAt, p.EmailInvalid,
                p.Unsubscribed, p.MarketingSuspended, p.Blocklisted, p.IsDeleted, p.CreatedAt, p.UpdatedAt,
            })
            .ToListAsync(ct);

        var items = rows.Select(p => new PersonRow(p.Id, p.Email, p.FirstName, p.LastName, p.Company, p.EmailSuspended,
                p.EmailSuspendedAt, p.EmailInvalid, p.Unsubscribed, p.MarketingSuspended, p.Blocklisted, p.IsDeleted,
                p.CreatedAt, p.UpdatedAt,
                PersonStatus.Of(p.Email, p.Blocklisted, p.EmailInvalid, p.MarketingSuspended, p.Unsubscribed, p.EmailSuspendedAt, now)))
            .ToList();
        return new PeopleSearchResult(items, total);
    }

    /// <summary>The ids of people whose name or company contains the word, from the full-text index.</summary>
    internal static Func<string, IQueryable<int>> TextMatches(AppDbContext db)
        => word =>
        {
            var phrase = PeopleSearchIndex.Phrase(word);
            return db.Set<PersonTextMatch>()
                .FromSql($"SELECT rowid AS PersonId FROM PeopleSearch WHERE PeopleSearch MATCH {phrase}")
                .Select(m => m.PersonId);
        };

    private async Task<int> CountAsync(IQueryable<Person> people, PeopleQuery q, CancellationToken ct)
    {
        var key = (nameof(PeopleService), q.Text?.Trim().ToLowerInvariant() ?? "", q.Status, q.IncludeDeleted);
        if (countCache is not null && countCache.TryGetValue(key, out int cached))
        {
            return cached;
        }

        var total = await people.CountAsync(ct);
        if (countCache is not null && total >= CacheCountsFrom)
        {
            countCache.Set(key, total, CountCacheFor);
        }

        return total;
    }

    /// <summary>
    /// A domain search ("@gmail.com") whose prefix range holds exactly one domain becomes an equality on that domain:
    /// then the (EmailDomain, EmailNormalized) index also delivers the email order, and neither the count nor a deep page
    /// sorts every match. Two index seeks find out; null when the text is not such a search.
    /// </summary>
    private static async Task<IQueryable<Person>?> NarrowDomainAsync(AppDbContext db, IQueryable<Person> people, string? text, CancellationToken ct)
    {
        var q = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(q) || !q.StartsWith('@') || q.Length == 1)
        {
            return null;
        }

        var inRange = ApplyText(db.People.AsNoTracking(), q);
        var first = await inRange.OrderBy(p => p.EmailDomain).Select(p => p.EmailDomain).FirstOrDefaultAsync(ct);
        var last = await inRange.OrderByDescending(p => p.EmailDomain).Select(p => p.EmailDomain).FirstOrDefaultAsync(ct);
        return first is not null && first == last ? people.Where(p => p.EmailDomain == first) : null;
    }

    /// <summary>One person with the five bounce fields and the status derived at the current time; null if there is none.</summary>
    public async Task<PersonDetails?> GetDetailsAsync(int id, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.People.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (p is null)
        {
            return null;
        }

        return new PersonDetails(p.Id, p.Email, p.FirstName, p.LastName, p.Company, p.EmailSuspended, p.EmailSuspendedCause,
            p.EmailSuspendedAt, p.EmailInvalid, p.EmailInvalidCause, p.Unsubscribed, p.MarketingSuspended, p.Blocklisted,
            p.IsDeleted, p.CreatedAt, p.UpdatedAt, p.Version, PersonStatus.Of(p, clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>The person's bounce events, newest first (at most <see cref="MaxHistoryRows"/>).</summary>
    public async Task<IReadOnlyList<PersonBounceRow>> GetBouncesAsync(int personId, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BounceEvents.AsNoTracking()
            .Where(b => b.PersonId == personId)
            .OrderByDescending(b => b.OccurredAt).ThenByDescending(b => b.Id)
            .Take(MaxHistoryRows)
            .Select(b => new PersonBounceRow(b.Id, b.Category, b.Reason, b.Kind, b.Status, b.ReplyCode, b.Diagnostic, b.Source,
                b.OccurredAt, b.Outcome, b.Changes, b.Rule, b.RuleExplanation, b.SuspectedFalsePositive))
            .ToListAsync(ct);
    }

    /// <summary>
    /// The person's sends (with the email's name) and delivery/engagement events, newest first, one page at a time.
    /// </summary>
    /// <param name="skip">Rows to skip (the rows already shown).</param>
    /// <param name="take">Rows to return, 1 to 200.</param>
    public async Task<PersonActivityPage> GetActivityAsync(int personId, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        skip = Math.Max(skip, 0);
        take = Math.Clamp(take, 1, 200);

        // Sends and events are two tables; the newest (skip + take + 1) of each contain the wanted page of the merge,
        // and both reads run on the (PersonId, time) indexes.
        var window = skip + take + 1;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sends = await db.Sends.AsNoTracking()
            .Where(s => s.PersonId == personId)
            .OrderByDescending(s => s.SentAt).ThenByDescending(s => s.Id)
            .Take(window)
            .Select(s => new PersonActivityRow(s.SentAt, PersonActivityKind.Sent, s.Email!.Name, s.Id))
            .ToListAsync(ct);
        var events = await db.EmailEvents.AsNoTracking()
            .Where(e => e.PersonId == personId)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(window)
            .Select(e => new PersonActivityRow(e.OccurredAt, (PersonActivityKind)(int)e.Type, e.Send!.Email!.Name, e.SendId))
            .ToListAsync(ct);

        // At equal times the event comes before its send, so newest-first still reads bottom-up as send → delivered → opened.
        var merged = sends.Concat(events)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Kind)
            .Skip(skip)
            .Take(take + 1)
            .ToList();
        var hasMore = merged.Count > take;
        return new PersonActivityPage(hasMore ? merged[..take] : merged, hasMore);
    }

    /// <summary>The person's audit entries, newest first (at most <see cref="MaxHistoryRows"/>).</summary>
    public async Task<IReadOnlyList<PersonAuditRow>> GetAuditAsync(int personId, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEntries.AsNoTracking()
            .Where(a => a.PersonId == personId)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Take(MaxHistoryRows)
            .Select(a => new PersonAuditRow(a.Id, a.At, a.Actor, a.BounceEventId, a.Field, a.OldValue, a.NewValue, a.Reason, a.BatchId))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Email searches are prefix searches turned into a range on an indexed column (<c>col &gt;= 'abc' AND col &lt; 'abd'</c>):
    /// unlike SQLite's LIKE, which is case-insensitive and so skips a binary index, a range is answered from the index
    /// in logarithmic time. Names and companies are matched as substrings: through the trigram full-text index
    /// (<see cref="PeopleSearchIndex"/>) when <paramref name="textMatches"/> is given and the word has at least three
    /// characters, else with LIKE '%word%', a scan.
    /// </summary>
    internal static IQueryable<Person> ApplyText(IQueryable<Person> people, string? text, Func<string, IQueryable<int>>? textMatches = null)
    {
        var q = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(q))
        {
            return people;
        }

        if (q.StartsWith('@'))
        {
            // "@example" → every address whose domain starts with "example" (index on EmailDomain, EmailNormalized).
            var (dLow, dHigh) = PrefixRange(q[1..]);
            return dLow.Length == 0 ? people.Where(p => p.EmailDomain != null)
                : dHigh is null ? people.Where(p => p.EmailDomain!.StartsWith(dLow))
                : people.Where(p => string.Compare(p.EmailDomain, dLow) >= 0 && string.Compare(p.EmailDomain, dHigh) < 0);
        }

        if (q.Contains('@'))
        {
            var (low, high) = PrefixRange(q);
            return high is null ? people.Where(p => p.EmailNormalized!.StartsWith(low))
                : people.Where(p => string.Compare(p.EmailNormalized, low) >= 0 && string.Compare(p.EmailNormalized, high) < 0);
        }

        foreach (var word in q.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var like = "%" + EscapeLike(word) + "%";
            var (low, high) = PrefixRange(word);
            high ??= low; // only when the word ends in U+FFFF: then the email branch matches nothing, names still do
            if (textMatches is not null && word.Length >= PeopleSearchIndex.MinLength)
            {
                // Both sides of the OR are index lookups (an email range, a set of ids), so SQLite unions them.
                var ids = textMatches(word);
                people = people.Where(p =>
                    (string.Compare(p.EmailNormalized, low) >= 0 && string.Compare(p.EmailNormalized, high) < 0)
                    || ids.Contains(p.Id));
                continue;
            }

            people = people.Where(p =>
                (string.Compare(p.EmailNormalized, low) >= 0 && string.Compare(p.EmailNormalized, high) < 0)
                || EF.Functions.Like(p.FirstName, like, "\\")
                || EF.Functions.Like(p.LastName, like, "\\")
                || EF.Functions.Like(p.Company, like, "\\"));
        }

        return people;
    }

    /// <summary>The status filters of SPEC §2 as SQL predicates; they must agree with <see cref="PersonStatus.Of(Person, DateTime)"/>.</summary>
    internal static IQueryable<Person> ApplyStatus(IQueryable<Person> people, PeopleStatusFilter status, DateTime nowUtc)
    {
        // Suspended now ⇔ now < at + 24 h ⇔ at > now − 24 h.
        var cutoff = nowUtc - PersonStatus.SuspensionLength;
        return status switch
        {
            PeopleStatusFilter.Invalid => people.Where(p => p.EmailInvalid),
            PeopleStatusFilter.Suspended => people.Where(p => p.EmailSuspendedAt > cutoff && p.EmailSuspendedAt < FarFuture),
            // COALESCE rather than "IS NULL OR <=": the OR tempts SQLite into a multi-index OR over EmailSuspendedAt, this
            // way the partial covering index of mailable people (IX_People_Mailable_Email) answers count and page alone.
            PeopleStatusFilter.Mailable => people.Where(p =>
                p.Email != null && p.Email.Trim() != ""
                && !p.Blocklisted && !p.EmailInvalid && !p.MarketingSuspended && !p.Unsubscribed
                && (p.EmailSuspendedAt ?? NeverSuspended) <= cutoff),
            PeopleStatusFilter.Unmailable => people.Where(p =>
                p.Email == null || p.Email.Trim() == ""
                || p.Blocklisted || p.EmailInvalid || p.MarketingSuspended || p.Unsubscribed
                || p.EmailSuspendedAt > cutoff),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown status filter."),
        };
    }

    internal static IQueryable<Person> Sort(IQueryable<Person> people, PeopleSortField sortBy, bool descending)
    {
        IOrderedQueryable<Person> ordered = (sortBy, descending) switch
        {
            (PeopleSortField.Email, false) => people.OrderBy(p => p.EmailNormalized),
            (PeopleSortField.Email, true) => people.OrderByDescending(p => p.EmailNormalized),
            (PeopleSortField.LastName, false) => people.OrderBy(p => p.LastName).ThenBy(p => p.FirstName),
            (PeopleSortField.LastName, true) => people.OrderByDescending(p => p.LastName).ThenByDescending(p => p.FirstName),
            (PeopleSortField.Company, false) => people.OrderBy(p => p.Company),
            (PeopleSortField.Company, true) => people.OrderByDescending(p => p.Company),
            (PeopleSortField.CreatedAt, false) => people.OrderBy(p => p.CreatedAt),
            (PeopleSortField.CreatedAt, true) => people.OrderByDescending(p => p.CreatedAt),
            (PeopleSortField.UpdatedAt, false) => people.OrderBy(p => p.UpdatedAt),
            (PeopleSortField.UpdatedAt, true) => people.OrderByDescending(p => p.UpdatedAt),
            (PeopleSortField.EmailSuspendedAt, false) => people.OrderBy(p => p.EmailSuspendedAt),
            (PeopleSortField.EmailSuspendedAt, true) => people.OrderByDescending(p => p.EmailSuspendedAt),
            _ => throw new ArgumentOutOfRangeException(nameof(sortBy), sortBy, "Unknown sort column."),
        };

        // A unique tie-breaker keeps pages stable: without it equal keys may swap between page reads.
        return descending ? ordered.ThenByDescending(p => p.Id) : ordered.ThenBy(p => p.Id);
    }

    /// <summary>
    /// The range [low, high) holding exactly the strings that start with <paramref name="prefix"/> in ordinal order:
    /// high is the prefix with its last character incremented; null when that character is U+FFFF (no such bound).
    /// </summary>
    internal static (string Low, string? High) PrefixRange(string prefix)
    {
        if (prefix.Length == 0)
        {
            return (prefix, null);
        }

        var last = prefix[^1];
        return last == char.MaxValue ? (prefix, null) : (prefix, prefix[..^1] + (char)(last + 1));
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
