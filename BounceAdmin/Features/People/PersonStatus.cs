using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.People;

/// <summary>
/// The derived states of SPEC §2, always computed from the stored fields and the current time, never stored.
/// </summary>
public sealed record PersonStatus(bool SuspendedNow, bool Mailable, IReadOnlyList<string> NotMailableReasons, DateTime? MailableAgainAt)
{
    /// <summary>How long a Category 1 bounce keeps a person from marketing email.</summary>
    public static readonly TimeSpan SuspensionLength = TimeSpan.FromHours(24);

    /// <summary>The reason given when a person has no email address.</summary>
    public const string NoEmailReason = "No email address";

    /// <remarks>Overflow-safe through <see cref="SuspensionEnds"/>: a stored time near <see cref="DateTime.MaxValue"/> (a
    /// bounce dated 9999-12-31, before dates were clamped) ends at the calendar's end.</remarks>
    public static bool IsSuspendedNow(DateTime? emailSuspendedAt, DateTime nowUtc)
        => emailSuspendedAt is { } at && nowUtc < SuspensionEnds(at);

    /// <summary>When a suspension at <paramref name="at"/> ends: 24 hours later, or <see cref="DateTime.MaxValue"/> when that is past the calendar's end.</summary>
    public static DateTime SuspensionEnds(DateTime at)
        => at > DateTime.MaxValue - SuspensionLength ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : at + SuspensionLength;

    public static PersonStatus Of(Person p, DateTime nowUtc)
        => Of(p.Email, p.Blocklisted, p.EmailInvalid, p.MarketingSuspended, p.Unsubscribed, p.EmailSuspendedAt, nowUtc);

    public static PersonStatus Of(string? email, bool blocklisted, bool emailInvalid, bool marketingSuspended, bool unsubscribed,
        DateTime? emailSuspendedAt, DateTime nowUtc)
    {
        var reasons = new List<string>(2);
        if (string.IsNullOrWhiteSpace(email)) reasons.Add(NoEmailReason);
        if (blocklisted) reasons.Add("Blocklisted");
        if (emailInvalid) reasons.Add("Email Invalid");
        if (marketingSuspended) reasons.Add("Marketing Suspended");
        if (unsubscribed) reasons.Add("Unsubscribed");

        var suspendedNow = IsSuspendedNow(emailSuspendedAt, nowUtc);
        if (suspendedNow) reasons.Add("Email Suspended (within 24 hours)");

        DateTime? againAt = suspendedNow && reasons.Count == 1 ? SuspensionEnds(emailSuspendedAt!.Value) : null;
        return new PersonStatus(suspendedNow, reasons.Count == 0, reasons, againAt);
    }
}
