using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces.Explain;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces;

/// <summary>Filters of the Bounces list; null members do not filter.</summary>
/// <param name="Domain">Part of the receiving domain, case-insensitive (e.g. <c>yahoo</c>).</param>
/// <param name="Source">Part of the source, case-insensitive (e.g. <c>webhook</c>).</param>
/// <param name="From">Earliest OccurredAt (UTC), inclusive.</param>
/// <param name="To">OccurredAt (UTC) before this, exclusive: pass the day after the last day wanted.</param>
public sealed record BounceFilter(
    int? Category = null,
    string? Reason = null,
    BounceKind? Kind = null,
    string? Domain = null,
    string? Source = null,
    DateTime? From = null,
    DateTime? To = null,
    BounceOutcome? Outcome = null,
    bool? SuspectedFalsePositive = null);

/// <summary>One row of the Bounces list.</summary>
public sealed record BounceRow(
    long Id,
    DateTime OccurredAt,
    string Recipient,
    string RecipientDomain,
    int? Category,
    string Reason,
    BounceKind Kind,
    string? Status,
    int? ReplyCode,
    string Source,
    BounceOutcome Outcome,
    bool SuspectedFalsePositive,
    int? PersonId);

/// <summary>One page of rows and the number of rows matching the filter.</summary>
public sealed record BouncePage(IReadOnlyList<BounceRow> Items, int TotalCount);

/// <summary>
/// Reads bounce events for the Bounces page: the filtered, paged list (newest first) and the explanation of one bounce.
/// Any signed-in role may read; the check is here, not only on the page.
/// </summary>
public sealed class BounceQueryService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser)
{
    public const int MaxPageSize = 200;

    /// <summary>The bounces matching <paramref name="filter"/>, newest first; <paramref name="page"/> counts from 0.</summary>
    /// <exception cref="ForbiddenException">The caller is not signed in with a role.</exception>
    public async Task<BouncePage> ListAsync(BounceFilter filter, int page = 0, int pageSize = 25, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(0, page);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Apply(db.BounceEvents.AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(b => b.OccurredAt).ThenByDescending(b => b.Id)
            .Skip(page * pageSize).Take(pageSize)
            .Select(b => new BounceRow(b.Id, b.OccurredAt, b.Recipient, b.RecipientDomain, b.Category, b.Reason, b.Kind, b.Status,
                b.ReplyCode, b.Source, b.Outcome, b.SuspectedFalsePositive, b.PersonId))
            .ToListAsync(ct);
        return new BouncePage(items, total);
    }

    /// <summary>The reason names that occur in the data, for the reason filter.</summary>
    public async Task<IReadOnlyList<string>> ListReasonsAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BounceEvents.Select(b => b.Reason).Distinct().OrderBy(r => r).ToListAsync(ct);
    }

    /// <summary>Why this bounce was classified as it was, what it changed and what to do; null when it does not exist.</summary>
    /// <exception cref="ForbiddenException">The caller is not signed in with a role.</exception>
    public async Task<BounceExplanation?> ExplainAsync(long id, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Anyone);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.BounceEvents.AsNoTracking()
            .Where(b => b.Id == id)
            .Select(b => new
            {
                Event = b,
                Person = b.Person == null ? null : new { b.Person.FirstName, b.Person.LastName, b.Person.Email },
                Send = b.Send == null ? null : new { b.Send.SentAt, EmailName = b.Send.Email!.Name },
            })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        var e = found.Event;
        var changes = string.IsNullOrWhiteSpace(e.Changes)
            ? []
            : e.Changes.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var status = EnhancedStatusCodes.Decode(e.Status) ?? EnhancedStatusCodes.Decode(EnhancedStatusCodes.FindIn(e.Diagnostic));
        var personName = found.Person is null ? null : $"{found.Person.FirstName} {found.Person.LastName}".Trim();

        return new BounceExplanation(
            e.Id, e.Recipient, e.RecipientDomain, e.OccurredAt, e.ReceivedAt, e.Source,
            e.Category, BounceTaxonomy.DescribeCategory(e.Category), e.Kind, e.Reason, BounceReasonTexts.Describe(e.Reason),
            e.Diagnostic, e.ReplyCode, EnhancedStatusCodes.DescribeReplyCode(e.ReplyCode), status,
            e.Rule, e.RuleExplanation,
            e.Outcome, DescribeOutcome(e.Outcome), changes, changes.Length == 0 ? BounceAdvice.NoChangeReason(e.Category, e.Outcome) : null,
            e.PersonId, string.IsNullOrEmpty(personName) ? null : personName, found.Person?.Email,
            e.SendId, found.Send?.EmailName, found.Send?.SentAt, e.RemoteMta, e.OriginalMessageId,
            e.SuspectedFalsePositive,
            BounceAdvice.NextSteps(e.Category, e.Reason, e.Outcome, e.SuspectedFalsePositive, e.Diagnostic),
            e.ClaimedOccurredAt is { } claimed && claimed != e.OccurredAt ? DateTime.SpecifyKind(claimed, DateTimeKind.Utc) : null,
            e.Unverified, e.Permanent);
    }

    /// <summary>What an outcome means, in words.</summary>
    public static string DescribeOutcome(BounceOutcome outcome) => outcome switch
    {
        BounceOutcome.Applied => "Matched to the person and applied under the bounce rules.",
        BounceOutcome.Unmatched => "No person has this address; the bounce is kept so it can be matched later.",
        BounceOutcome.NotABounce => "Not a bounce (delivery report, auto-reply or complaint); it changes no bounce field.",
        BounceOutcome.Held => "Unverified (it matches no send of ours) and held for an Admin to approve or reject; nothing changed yet.",
        BounceOutcome.Ignored => "Unverified (it matches no send of ours) and ignored by policy or rejected by an Admin; nothing changed.",
        _ => outcome.ToString(),
    };

    private static IQueryable<BounceEvent> Apply(IQueryable<BounceEvent> q, BounceFilter f)
    {
        if (f.Category is { } category) q = q.Where(b => b.Category == category);
        if (!string.IsNullOrWhiteSpace(f.Reason))
        {
            var reason = f.Reason.Trim().ToLowerInvariant();
            q = q.Where(b => b.Reason == reason);
        }

        if (f.Kind is { } kind) q = q.Where(b => b.Kind == kind);
        if (!string.IsNullOrWhiteSpace(f.Domain))
        {
            // Domains are stored in lower case, so a lower-case needle makes SQLite's case-sensitive instr() case-insensitive.
            var domain = f.Domain.Trim().ToLowerInvariant();
            q = q.Where(b => b.RecipientDomain.Contains(domain));
        }

        if (!string.IsNullOrWhiteSpace(f.Source))
        {
            var source = f.Source.Trim().ToLowerInvariant();
            q = q.Where(b => b.Source.ToLower().Contains(source));
        }

        if (f.From is { } from)
        {
            var fromUtc = AsUtc(from);
            q = q.Where(b => b.OccurredAt >= fromUtc);
        }

        if (f.To is { } to)
        {
            var toUtc = AsUtc(to);
            q = q.Where(b => b.OccurredAt < toUtc);
        }

        if (f.Outcome is { } outcome) q = q.Where(b => b.Outcome == outcome);
        if (f.SuspectedFalsePositive is { } fp) q = q.Where(b => b.SuspectedFalsePositive == fp);
        return q;
    }

    // Dates picked in the UI have no kind; every stored time is UTC (SPEC §2), so they are read as UTC.
    private static DateTime AsUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
