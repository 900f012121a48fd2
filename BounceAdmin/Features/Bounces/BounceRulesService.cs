using System.Globalization;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Bounces;

/// <summary>
/// Applies classified bounces to people under the rules of SPEC §2–3. Every path that records a bounce (ingest,
/// upload, webhooks, bench) goes through here, so the rules live in one place:
/// Category 1 sets Email Suspended, its cause and time (the time only moves forward); Category 2 sets Email Invalid
/// and its cause; every other category and every non-bounce changes no field. Each change writes an audit entry.
/// Every public method checks the caller's role itself (Admin: uploads, or a system identity for the command line,
/// the background sources, webhooks and demo data); <see cref="ActingAs"/> gives a copy that acts for another caller.
/// </summary>
public sealed class BounceRulesService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ICurrentUser currentUser,
    Microsoft.Extensions.Options.IOptionsMonitor<BounceTrustOptions>? trust = null)
{
    /// <summary>The unverified-bounce policy in force (apply when none is configured).</summary>
    internal UnverifiedPolicy Policy => trust?.CurrentValue.UnverifiedPolicy ?? UnverifiedPolicy.Apply;

    /// <summary>The roles that may apply bounces: they change people's bounce fields.</summary>
    public const string ApplyRoles = Roles.Admin;

    /// <summary>The same rules, acting for <paramref name="caller"/> (a webhook's or background source's system identity).</summary>
    public BounceRulesService ActingAs(ICurrentUser caller) => new(dbFactory, clock, caller, trust);

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
        await currentUser.RequireRoleAsync(ApplyRoles);
        var results = await ApplyManyAsync([input], ct);
        return results[0];
    }

    /// <summary>
    /// Applies the bounces of one message together: all of them or, on error, none (one transaction). For a run of
    /// messages, <see cref="OpenSessionAsync"/> keeps the connection and its prepared statements between them.
    /// </summary>
    public async Task<IReadOnlyList<ApplyResult>> ApplyManyAsync(IReadOnlyList<BounceInput> inputs, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(ApplyRoles);
        await using var session = await OpenSessionAsync(ct);
        return await session.ApplyManyAsync(inputs, ct);
    }

    /// <summary>Opens a session that applies many messages, each in its own transaction, on one connection.</summary>
    public async Task<BounceApplySession> OpenSessionAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(ApplyRoles);
        return await BounceApplySession.OpenAsync(dbFactory, clock, Policy, null, ct);
    }

    /// <summary>
    /// A session whose statements wait at most <paramref name="busyTimeout"/> for SQLite's write lock (a webhook answers
    /// 503 rather than holding a provider's request for the default two minutes).
    /// </summary>
    internal async Task<BounceApplySession> OpenSessionAsync(TimeSpan busyTimeout, CancellationToken ct)
    {
        await currentUser.RequireRoleAsync(ApplyRoles);
        return await BounceApplySession.OpenAsync(dbFactory, clock, Policy, busyTimeout, ct);
    }

    /// <summary>
    /// Re-matches unmatched bounces whose recipient now belongs to a person (e.g. after an import) and applies them
    /// under the same rules, oldest first so Email Suspended At ends on the newest. Returns how many were matched.
    /// </summary>
    public async Task<int> RematchUnmatchedAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(ApplyRoles);
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
            // The same decision as a fresh bounce (SPEC §3): a temporary failure is never category 1 or 2, whenever it was stored.
            evt.Permanent = PermanenceOf(evt.Reason, evt.Permanent, evt.Status, evt.ReplyCode);
            evt.Category = BounceTaxonomy.CategoryOf(evt.Reason, evt.Permanent);
            evt.Kind = BounceTaxonomy.KindOf(evt.Category, evt.Reason);
            evt.OccurredAt = ClampOccurredAt(evt.OccurredAt, evt.ReceivedAt);
            evt.Unverified = evt.SendId is null && !await db.Sends.AnyAsync(
                s => s.PersonId == person.Id && s.SentAt >= evt.ReceivedAt - BounceTrustOptions.VerificationWindow, ct);
            if (HoldOutcome(evt.Unverified, Policy, evt.Category) is { } held)
            {
                evt.Outcome = held;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                continue;
            }

            await ApplyStoredAsync(db, evt, person, clock.GetUtcNow().UtcDateTime, "bounce", null, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }

        return candidates.Count;
    }

    /// <summary>
    /// Applies a held (unverified) bounce that an Admin approved, in the caller's transaction, under the same rules as any
    /// bounce; the audit entries name the Admin. Returns what it changed (null for nothing).
    /// </summary>
    internal static Task<string?> ApplyApprovedAsync(AppDbContext db, BounceEvent evt, Person person, DateTime nowUtc, string admin, CancellationToken ct)
        => ApplyStoredAsync(db, evt, person, nowUtc, admin, $"; unverified bounce approved by {admin}", ct);

    /// <summary>A stored bounce applied to its (tracked) person: the field rules, audit entries and report aggregates.</summary>
    private static async Task<string?> ApplyStoredAsync(AppDbContext db, BounceEvent evt, Person person, DateTime nowUtc, string actor,
        string? reasonSuffix, CancellationToken ct)
    {
        evt.Outcome = BounceOutcome.Applied;
        evt.Changes = ApplyToPerson(db, person, evt, nowUtc, actor, reasonSuffix);
        await db.SaveChangesAsync(ct);
        await EmailStats.RecordBounceAsync(db, evt, ct);
        return evt.Changes;
    }

    /// <summary>
    /// Whether the failure is permanent (SPEC §3): what the source said (<paramref name="given"/>), else the status and
    /// reply code; null for non-bounces. The applier and re-match both decide through this.
    /// </summary>
    internal static bool? PermanenceOf(string reason, bool? given, string? status, int? replyCode)
        => BounceTaxonomy.IsBounce(reason) ? given ?? BounceTaxonomy.PermanenceOf(status, replyCode) : null;

    /// <summary>
    /// What becomes of an unverified bounce that would take the person away (category 1 or 2) under
    /// <paramref name="policy"/>: held for an Admin (review) or ignored; null when it is applied.
    /// </summary>
    internal static BounceOutcome? HoldOutcome(bool unverified, UnverifiedPolicy policy, int? category)
        => unverified && policy != UnverifiedPolicy.Apply && category is BounceTaxonomy.Block or BounceTaxonomy.Invalid
            ? policy == UnverifiedPolicy.Review ? BounceOutcome.Held : BounceOutcome.Ignored
            : null;

    internal static void Validate(BounceInput input)
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

    /// <summary>How far ahead of the time received a bounce's own date may be (clocks differ a little), SPEC §2.</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The time a bounce is taken to have happened: the time it claims (the message's Date or Last-Attempt-Date, a
    /// webhook's timestamp), but never later than <paramref name="receivedAt"/> plus <see cref="AllowedClockSkew"/> and
    /// never before the Unix epoch. A bounce dated 2099 must not keep a person suspended until 2099, and date arithmetic
    /// (windows of minutes or days around it) must never overflow; the claimed time is kept on the event as it came.
    /// </summary>
    public static DateTime ClampOccurredAt(DateTime claimedUtc, DateTime receivedAt)
    {
        var latest = receivedAt >= DateTime.MaxValue - AllowedClockSkew ? DateTime.MaxValue : receivedAt + AllowedClockSkew;
        var t = claimedUtc > latest ? latest : claimedUtc < DateTime.UnixEpoch ? DateTime.UnixEpoch : claimedUtc;
        return DateTime.SpecifyKind(t, DateTimeKind.Utc);
    }

    private static DateTime ToUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : t.ToUniversalTime();

    /// <summary>The event to store for a validated input (person, send and outcome are filled in by the caller).</summary>
    internal static BounceEvent NewEvent(BounceInput input, string recipient, int? category, string dedupKey, DateTime nowUtc) => new()
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
        OccurredAt = ClampOccurredAt(ToUtc(input.OccurredAt), nowUtc),
        ClaimedOccurredAt = ToUtc(input.OccurredAt),
        ReceivedAt = nowUtc,
        DedupKey = dedupKey,
    };

    /// <summary>One field a bounce changed, as its audit entry records it.</summary>
    internal readonly record struct FieldChange(string Field, string? OldValue, string? NewValue);

    /// <summary>
    /// The field rules of SPEC §2–3, in one place: sets the person's bounce fields for <paramref name="evt"/> and returns
    /// each change (every one needs an audit entry). Category 1 sets Email Suspended, and its time and cause when the
    /// bounce is newer; Category 2 sets Email Invalid and its cause; nothing is ever cleared or moved back.
    /// </summary>
    internal static List<FieldChange> ApplyRules(Person person, BounceEvent evt)
    {
        var changes = new List<FieldChange>(3);
        var cause = DescribeCause(evt);
        switch (evt.Category)
        {
            case BounceTaxonomy.Block:
                if (!person.EmailSuspended)
                {
                    changes.Add(new(FieldLabels.EmailSuspended, "false", "true"));
                    person.EmailSuspended = true;
                }

                if (person.EmailSuspendedAt is null || evt.OccurredAt > person.EmailSuspendedAt)
                {
                    changes.Add(new(FieldLabels.EmailSuspendedAt, Format(person.EmailSuspendedAt), Format(evt.OccurredAt)));
                    person.EmailSuspendedAt = evt.OccurredAt;
                    if (person.EmailSuspendedCause != cause)
                    {
                        changes.Add(new(FieldLabels.EmailSuspendedCause, person.EmailSuspendedCause, cause));
                        person.EmailSuspendedCause = cause;
                    }
                }

                break;

            case BounceTaxonomy.Invalid:
                if (!person.EmailInvalid)
                {
                    changes.Add(new(FieldLabels.EmailInvalid, "false", "true"));
                    person.EmailInvalid = true;
                    if (person.EmailInvalidCause != cause)
                    {
                        changes.Add(new(FieldLabels.EmailInvalidCause, person.EmailInvalidCause, cause));
                        person.EmailInvalidCause = cause;
                    }
                }

                break;
        }

        return changes;
    }

    /// <summary>What the bounce changed, as stored on the event, or null when it changed nothing.</summary>
    internal static string? Describe(IReadOnlyList<FieldChange> changes)
        => changes.Count == 0
            ? null
            : Truncate(string.Join("; ", changes.Select(c => $"{c.Field}: {c.OldValue ?? "(empty)"} → {c.NewValue ?? "(empty)"}")), 1000);

    /// <summary>The reason written on the audit entries of a bounce's changes.</summary>
    internal static string AuditReason(BounceEvent evt)
        => Truncate($"Bounce {evt.Reason} (category {evt.Category}{(evt.Status is null ? "" : ", " + evt.Status)}) from {evt.Source}", 2000)!;

    /// <summary>The field rules on a tracked person (re-matching): the changes plus their audit entries; returns what changed.</summary>
    internal static string? ApplyToPerson(AppDbContext db, Person person, BounceEvent evt, DateTime nowUtc, string actor = "bounce", string? reasonSuffix = null)
    {
        var changes = ApplyRules(person, evt);
        if (changes.Count == 0)
        {
            return null;
        }

        var reason = Truncate(AuditReason(evt) + reasonSuffix, 2000)!;
        foreach (var change in changes)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                PersonId = person.Id, At = nowUtc, Actor = actor, BounceEvent = evt, Field = change.Field,
                OldValue = change.OldValue, NewValue = change.NewValue, Reason = reason,
            });
        }

        person.UpdatedAt = nowUtc;
        return Describe(changes);
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

    // A burst (SPEC §3): many "address invalid" bounces from one receiving domain within a short window look like a
    // block by that domain, not like that many dead mailboxes at once; BounceApplySession counts them.

    internal static bool LooksLikeSpamFilter(string? diagnostic)
        => diagnostic is not null && SpamWording.Any(w => diagnostic.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
