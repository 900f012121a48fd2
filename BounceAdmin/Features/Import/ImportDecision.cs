using BounceAdmin.Data;
using BounceAdmin.Features.Bounces;

namespace BounceAdmin.Features.Import;

/// <summary>A person's columns as the import reads and writes them.</summary>
internal sealed class PersonState
{
    public long Id { get; set; }
    public string? Email { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }
    public bool Unsubscribed { get; set; }
    public bool Blocklisted { get; set; }
    public bool MarketingSuspended { get; set; }
    public bool EmailSuspended { get; set; }
    public string? EmailSuspendedCause { get; set; }
    public DateTime? EmailSuspendedAt { get; set; }
    public bool EmailInvalid { get; set; }
    public string? EmailInvalidCause { get; set; }

    public PersonState Copy() => (PersonState)MemberwiseClone();
}

/// <summary>A data row of the file, its values read and checked (a row with a problem never gets here).</summary>
internal sealed class ImportRow
{
    public int Row { get; init; }

    /// <summary>The row's position among the data rows (1 = the first after the header).</summary>
    public int Ordinal { get; init; }

    public required string?[] Cells { get; init; }
    public required string Email { get; init; }
    public required string Normalized { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Company { get; init; }
    public bool? Unsubscribed { get; init; }
    public bool? Blocklisted { get; init; }
    public bool? MarketingSuspended { get; init; }
    public bool? EmailSuspended { get; init; }
    public string? EmailSuspendedCause { get; init; }
    public DateTime? EmailSuspendedAt { get; init; }
    public bool? EmailInvalid { get; init; }
    public string? EmailInvalidCause { get; init; }
}

/// <summary>One audited change of a bounce field, as its audit entry records it.</summary>
internal readonly record struct AuditedChange(string Field, string? OldValue, string? NewValue, bool ClearsInvalid);

/// <summary>What the import does with one row: the person's new state, the audited changes and the notes for the user.</summary>
internal sealed record ImportDecision(ImportRowOutcome Outcome, PersonState After, List<AuditedChange> Audited, string? Note);

/// <summary>
/// The rules of an import row (SPEC §2 on the import door), in one pure function: empty cells change nothing; a file may
/// set Email Suspended (with a later time and its cause) and Email Invalid (with its cause); it never clears Email
/// Suspended nor moves Email Suspended At back; it clears Email Invalid only with the Admin's explicit option.
/// </summary>
internal static class ImportRules
{
    public const string SuspendedKept = "Email Suspended can never be cleared: it stays checked (the file says false)";

    public const string InvalidKept =
        "Email Invalid stays checked (the file says false): tick \"Uncheck Email Invalid\" and give a reason to clear it";

    public static ImportDecision Decide(ImportRow row, PersonState? existing, bool clearEmailInvalid)
    {
        var before = existing ?? new PersonState();
        var after = before.Copy();
        var audited = new List<AuditedChange>(0);
        string? note = null;

        if (existing is null)
        {
            after.Email = row.Email;
        }

        if (row.FirstName is not null) after.FirstName = row.FirstName;
        if (row.LastName is not null) after.LastName = row.LastName;
        if (row.Company is not null) after.Company = row.Company;
        if (row.Unsubscribed is { } u) after.Unsubscribed = u;
        if (row.Blocklisted is { } b) after.Blocklisted = b;
        if (row.MarketingSuspended is { } m) after.MarketingSuspended = m;

        // Email Suspended: set, never cleared; its time only moves forward and its cause goes with the time.
        if (row.EmailSuspended == true && !before.EmailSuspended)
        {
            after.EmailSuspended = true;
            audited.Add(new(FieldLabels.EmailSuspended, "false", "true", false));
        }
        else if (row.EmailSuspended == false && before.EmailSuspended)
        {
            note = SuspendedKept;
        }

        if (after.EmailSuspended)
        {
            var newlySuspended = !before.EmailSuspended;
            var later = row.EmailSuspendedAt is { } at && (before.EmailSuspendedAt is null || at > before.EmailSuspendedAt);
            if (later)
            {
                after.EmailSuspendedAt = row.EmailSuspendedAt;
                audited.Add(new(FieldLabels.EmailSuspendedAt, BounceRulesService.Format(before.EmailSuspendedAt),
                    BounceRulesService.Format(row.EmailSuspendedAt), false));
            }

            if ((later || newlySuspended) && row.EmailSuspendedCause is { } cause && cause != before.EmailSuspendedCause)
            {
                after.EmailSuspendedCause = cause;
                audited.Add(new(FieldLabels.EmailSuspendedCause, before.EmailSuspendedCause, cause, false));
            }
        }

        // Email Invalid: set with its cause; cleared only with the explicit option (the caller holds the reason).
        if (row.EmailInvalid == true && !before.EmailInvalid)
        {
            after.EmailInvalid = true;
            audited.Add(new(FieldLabels.EmailInvalid, "false", "true", false));
            if (row.EmailInvalidCause is { } cause && cause != before.EmailInvalidCause)
            {
                after.EmailInvalidCause = cause;
                audited.Add(new(FieldLabels.EmailInvalidCause, before.EmailInvalidCause, cause, false));
            }
        }
        else if (row.EmailInvalid == false && before.EmailInvalid)
        {
            if (clearEmailInvalid)
            {
                after.EmailInvalid = false;
                after.EmailInvalidCause = null;
                audited.Add(new(FieldLabels.EmailInvalid, "true", "false", true));
                if (before.EmailInvalidCause is not null)
                {
                    audited.Add(new(FieldLabels.EmailInvalidCause, before.EmailInvalidCause, null, true));
                }
            }
            else
            {
                note = note is null ? InvalidKept : note + "; " + InvalidKept;
            }
        }

        var outcome = existing is null ? ImportRowOutcome.Created : Same(before, after) ? ImportRowOutcome.Unchanged : ImportRowOutcome.Updated;
        return new ImportDecision(outcome, after, audited, note);
    }

    private static bool Same(PersonState a, PersonState b)
        => a.FirstName == b.FirstName && a.LastName == b.LastName && a.Company == b.Company
            && a.Unsubscribed == b.Unsubscribed && a.Blocklisted == b.Blocklisted && a.MarketingSuspended == b.MarketingSuspended
            && a.EmailSuspended == b.EmailSuspended && a.EmailSuspendedCause == b.EmailSuspendedCause && a.EmailSuspendedAt == b.EmailSuspendedAt
            && a.EmailInvalid == b.EmailInvalid && a.EmailInvalidCause == b.EmailInvalidCause;
}
