using System.Globalization;
using BounceAdmin.Data;
using BounceAdmin.Features.Reports;
using BounceAdmin.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces;

/// <summary>
/// Applies classified bounces to people under the rules of SPEC §2–3. Every path that records a bounce (ingest,
/// upload, webhooks, bench) goes through here, so the rules live in one place:
/// Category 1 sets Email Suspended, its cause and time (the time only moves forward); Category 2 sets Email Invalid
/// and its cause; every other category and every non-bounce changes no field. Each change writes an audit entry.
/// </summary>
public sealed class BounceRulesService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>How far back an open or click makes a Category 2 bounce a suspected false positive.</summary>
    public static readonly TimeSpan RecentEngagementWindow = TimeSpan.FromDays(30);

    /// <summary>Half-width of the window in which Category 2 bounces at one domain count as a burst.</summary>
    public static readonly TimeSpan BurstWindow = TimeSpan.FromMinutes(30);

    /// <summary>How many Category 2 bounces at one domain within the window make a burst.</summary>
    public const int BurstThreshold = 20;

    private static readonly string[] SpamWording =
    [
        "spam", "blocked", "block list", "blocklist", "blacklist", "policy", "reputation", "rejected for policy",
        "content", "denied", "not allowed", "banned", "abuse",
    ];

    /// <summary>Applies one bounce in its own transaction.</summary>
    public async Task<ApplyResult> ApplyAsync(BounceInput input, CancellationToken ct = default)
    {
        var results = await ApplyManyAsync([input], ct);
        return results[0];
    }

    /// <summary>
    /// Applies the bounces of one message together: all of them or, on error, none (one transaction).
    /// </summary>
    public Task<IReadOnlyList<ApplyResult>> ApplyManyAsync(IReadOnlyList<BounceInput> inputs, CancellationToken ct = default)
        => ApplyManyAsync(inputs, ct, isRetry: false);

    private async Task<IReadOnlyList<ApplyResult>> ApplyManyAsync(IReadOnlyList<BounceInput> inputs, CancellationToken ct, bool isRetry)
    {
        foreach (var input in inputs)
        {
            Validate(input);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Inside our own transaction a failed save rolls the whole message back, so EF's automatic savepoint around
        // SaveChanges (two extra statements per message) buys nothing.
        db.Database.AutoSavepointsEnabled = false;
        var applied = new List<(ApplyResult Result, BounceEvent? Event)>(inputs.Count);
        foreach (var input in inputs)
        {
            applied.Add(await ApplyInContextAsync(db, input, ct));
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteErrorCode: 19 } && !isRetry)
        {
            // A concurrent ingester stored the same bounce between our check and our insert: retry once, which now
            // sees it as a duplicate.
            await tx.RollbackAsync(ct);
            return await ApplyManyAsync(inputs, ct, isRetry: true);
        }

        // Domain health counts every stored bounce in the same transaction, so the aggregate never drifts from the
        // events (a duplicate stores no event and counts nothing; a re-match later does not count again).
        await BounceHealth.DomainStatsWriter.CountBouncesAsync(db, applied.Where(a => a.Event is not null).Select(a => a.Event!), ct);

        // The report's aggregates move with the bounce, in the same transaction.
        foreach (var (_, evt) in applied)
        {
            if (evt is { Kind: not BounceKind.None })
            {
                await EmailStats.RecordBounceAsync(db, evt, ct);
            }
        }

        await tx.CommitAsync(ct);
        return applied.Select(a => a.Event is null ? a.Result : a.Result with { BounceEventId = a.Event.Id }).ToList();
    }

    /// <summary>
    /// Re-matches unmatched bounces whose recipient now belongs to a person (e.g. after an import) and applies them
    /// under the same rules, oldest first so Email Suspended At ends on the newest. Returns how many were matched.
    /// </summary>
    public async Task<int> RematchUnmatchedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.BounceEvents
            .Where(b => b.Outcome == BounceOutcome.Unmatched && db.People.Any(p => p.EmailNormalized == b.Recipient))
            .OrderBy(b => b.OccurredAt)
            .Select(b => b.Id)
            .ToListAsync(ct);
        foreach (var id in candidates)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var evt = await db.BounceEvents.SingleAsync(b => b.Id == id, ct);
            var person = await db.People.SingleAsync(p => p.EmailNormalized == evt.Recipient, ct);
            evt.Person = person;
            evt.Outcome = BounceOutcome.Applied;
            evt.Changes = ApplyToPerson(db, person, evt, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            await EmailStats.RecordBounceAsync(db, evt, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }

        return candidates.Count;
    }

    private static void Validate(BounceInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Recipient) || !input.Recipient.Contains('@'))
        {
            throw new ArgumentException($"The recipient '{input.Recipient}' is not an email address.", nameof(input));
        }

        if (string.IsNullOrWhiteSpace(input.DedupKey))
        {
            throw new ArgumentException("A bounce needs a de-duplication key.", nameof(input));
        }

        if (!BounceTaxonomy.AllReasons.Contains(input.Reason))
        {
            throw new ArgumentException($"Unknown bounce reason '{input.Reason}'.", nameof(input));
        }
    }

    private async Task<(ApplyResult, BounceEvent?)> ApplyInContextAsync(AppDbContext db, BounceInput input, CancellationToken ct)
    {
        var dedup = input.DedupKey.Length > 128 ? input.DedupKey[..128] : input.DedupKey;
        if (await db.BounceEvents.AnyAsync(b => b.DedupKey == dedup, ct)
            || db.ChangeTracker.Entries<BounceEvent>().Any(e => e.Entity.DedupKey == dedup))
        {
            return (new ApplyResult(ApplyOutcome.Duplicate, null, null, null), null);
        }

        var recipient = input.Recipient.Trim().ToLowerInvariant();
        var category = BounceTaxonomy.CategoryOf(input.Reason, input.Status, input.ReplyCode);
        var now = clock.GetUtcNow().UtcDateTime;

        var send = await FindSendAsync(db, input, ct);
        Person? person = null;
        if (send is not null)
        {
            // A send only counts as the match if it went to this recipient: a forwarded or aliased bounce keeps the
            // person. The send's person is loaded once and checked here (one query instead of a check and a load).
            person = await db.People.SingleAsync(p => p.Id == send.PersonId, ct);
            if (person.EmailNormalized != recipient)
            {
                send = null;
                person = null;
            }
        }

        person ??= await db.People.SingleOrDefaultAsync(p => p.EmailNormalized == recipient, ct);

        var evt = new BounceEvent
        {
            Recipient = recipient,
            RecipientDomain = recipient[(recipient.LastIndexOf('@') + 1)..],
            Category = category,
            Reason = input.Reason,
            Kind = BounceTaxonomy.KindOf(category, input.Reason),
            Status = Truncate(input.Status, 16),
            ReplyCode = input.ReplyCode,
            Diagnostic = Truncate(input.Diagnostic, 4000),
            RemoteMta = Truncate(input.RemoteMta, 255),
            Source = Truncate(input.Source, 60)!,
            Rule = Truncate(input.Rule, 100),
            RuleExplanation = Truncate(input.RuleExplanation, 500),
            OriginalMessageId = Truncate(input.OriginalMessageId, 500),
            OccurredAt = input.OccurredAt.Kind == DateTimeKind.Utc ? input.OccurredAt : input.OccurredAt.ToUniversalTime(),
            ReceivedAt = now,
            DedupKey = dedup,
            Person = person,
            SendId = send?.Id,
            EmailId = send?.EmailId,
        };
        db.BounceEvents.Add(evt);

        if (!BounceTaxonomy.IsBounce(input.Reason))
        {
            evt.Outcome = BounceOutcome.NotABounce;
            if (input.Reason == "feedback" && person is { Unsubscribed: false })
            {
                // A complaint (feedback-loop report) unsubscribes the person; it never touches the bounce fields.
                person.Unsubscribed = true;
                person.UpdatedAt = now;
                evt.Changes = "Unsubscribed: false → true (complaint)";
                db.AuditEntries.Add(new AuditEntry
                {
                    PersonId = person.Id, At = now, Actor = "bounce", BounceEvent = evt, Field = "Unsubscribed",
                    OldValue = "false", NewValue = "true", Reason = $"Complaint (feedback report) from {evt.Source}",
                });
            }

            return (new ApplyResult(ApplyOutcome.NotABounce, null, person?.Id, null), evt);
        }

        if (person is null)
        {
            evt.Outcome = BounceOutcome.Unmatched;
            return (new ApplyResult(ApplyOutcome.Unmatched, null, null, null), evt);
        }

        evt.Outcome = BounceOutcome.Applied;
        if (category == BounceTaxonomy.Invalid)
        {
            evt.SuspectedFalsePositive = LooksLikeSpamFilter(input.Diagnostic)
                || await db.EmailEvents.AnyAsync(e => e.PersonId == person.Id
                    && (e.Type == EmailEventType.Opened || e.Type == EmailEventType.Clicked)
                    && e.OccurredAt >= evt.OccurredAt - RecentEngagementWindow, ct)
                || await IsBurstAsync(db, evt, ct);
        }

        evt.Changes = ApplyToPerson(db, person, evt, now);
        return (new ApplyResult(ApplyOutcome.Applied, null, person.Id, evt.Changes), evt);
    }

    /// <summary>The field rules; returns a description of what changed, or null.</summary>
    internal static string? ApplyToPerson(AppDbContext db, Person person, BounceEvent evt, DateTime nowUtc)
    {
        var changes = new List<string>();
        var why = $"Bounce {evt.Reason} (category {evt.Category}{(evt.Status is null ? "" : ", " + evt.Status)}) from {evt.Source}";
        void Audit(string field, string? oldValue, string? newValue)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                PersonId = person.Id,
                At = nowUtc,
                Actor = "bounce",
                BounceEvent = evt,
                Field = field,
                OldValue = oldValue,
                NewValue = newValue,
                Reason = Truncate(why, 2000)!,
            });
            changes.Add($"{field}: {oldValue ?? "(empty)"} → {newValue ?? "(empty)"}");
        }

        var cause = DescribeCause(evt);
        switch (evt.Category)
        {
            case BounceTaxonomy.Block:
                if (!person.EmailSuspended)
                {
                    Audit(FieldLabels.EmailSuspended, "false", "true");
                    person.EmailSuspended = true;
                }

                if (person.EmailSuspendedAt is null || evt.OccurredAt > person.EmailSuspendedAt)
                {
                    Audit(FieldLabels.EmailSuspendedAt, Format(person.EmailSuspendedAt), Format(evt.OccurredAt));
                    person.EmailSuspendedAt = evt.OccurredAt;
                    if (person.EmailSuspendedCause != cause)
                    {
                        Audit(FieldLabels.EmailSuspendedCause, person.EmailSuspendedCause, cause);
                        person.EmailSuspendedCause = cause;
                    }
                }

                break;

            case BounceTaxonomy.Invalid:
                if (!person.EmailInvalid)
                {
                    Audit(FieldLabels.EmailInvalid, "false", "true");
                    person.EmailInvalid = true;
                    if (person.EmailInvalidCause != cause)
                    {
                        Audit(FieldLabels.EmailInvalidCause, person.EmailInvalidCause, cause);
                        person.EmailInvalidCause = cause;
                    }
                }

                break;
        }

        if (changes.Count == 0)
        {
            return null;
        }

        person.UpdatedAt = nowUtc;
        return Truncate(string.Join("; ", changes), 1000);
    }

    /// <summary>The cause text: SMTP reply code, enhanced status and diagnostic.</summary>
    public static string DescribeCause(BounceEvent evt)
    {
        var text = string.IsNullOrWhiteSpace(evt.Diagnostic) ? evt.Reason : evt.Diagnostic.Trim();
        var parts = new List<string>(3);
        // Most diagnostics already start with their codes ("550 5.1.1 ..."): prefix only what they do not say.
        if (evt.ReplyCode is { } code && !text.Contains(code.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            parts.Add(code.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(evt.Status) && !text.Contains(evt.Status, StringComparison.Ordinal))
            parts.Add(evt.Status);
        parts.Add(text);
        return Truncate(string.Join(' ', parts), 2000)!;
    }

    internal static string? Format(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Many "address invalid" bounces from one receiving domain within a short window look like a block by that domain,
    /// not like that many dead mailboxes at once (SPEC §3).
    /// </summary>
    private static async Task<bool> IsBurstAsync(AppDbContext db, BounceEvent evt, CancellationToken ct)
    {
        var from = evt.OccurredAt - BurstWindow;
        var to = evt.OccurredAt + BurstWindow;
        var others = await db.BounceEvents
            .Where(b => b.OccurredAt >= from && b.OccurredAt <= to && b.RecipientDomain == evt.RecipientDomain
                && b.Category == BounceTaxonomy.Invalid)
            .Take(BurstThreshold)
            .CountAsync(ct);
        return others + 1 >= BurstThreshold;
    }

    private static bool LooksLikeSpamFilter(string? diagnostic)
        => diagnostic is not null && SpamWording.Any(w => diagnostic.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static async Task<EmailSend?> FindSendAsync(AppDbContext db, BounceInput input, CancellationToken ct)
    {
        EmailSend? send = null;
        if (input.SendId is { } id)
        {
            send = await db.Sends.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        }

        if (send is null && !string.IsNullOrWhiteSpace(input.OriginalMessageId))
        {
            var mid = input.OriginalMessageId.Trim().Trim('<', '>');
            send = await db.Sends.AsNoTracking().FirstOrDefaultAsync(s => s.MessageId == mid, ct);
        }

        return send;
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
