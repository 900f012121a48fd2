using System.Security.Cryptography;
using System.Text;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// How webhook events become <see cref="BounceInput"/>s, the same for every provider: the reason comes from
/// <see cref="ReasonRules.Decide"/> (the rules every DSN goes through), except where the provider states the cause
/// itself (a suppression list, a complaint, a delivery), which gets a provider rule id and explanation of its own so the
/// explain-why panel can show it. Categories stay in <see cref="BounceTaxonomy"/>.
/// </summary>
internal static class WebhookRules
{
    /// <summary>A reason the provider states, with its rule id (e.g. <c>ses:suppressed</c>) and one-line explanation.</summary>
    public static ReasonDecision Stated(string reason, string rule, string explanation) => new(reason, rule, explanation);

    /// <summary>The classifier's decision from the provider's status, reply code and diagnostic.</summary>
    /// <param name="action">"failed" for a permanent failure, "delayed" for a temporary one (RFC 3464 Action words).</param>
    public static ReasonDecision Decide(string? status, int? replyCode, string? diagnostic, string? action)
    {
        status = string.IsNullOrWhiteSpace(status) ? ReasonRules.FindStatus(diagnostic) : status.Trim();
        replyCode ??= ReasonRules.FindReplyCode(diagnostic);
        return ReasonRules.Decide(status, replyCode, diagnostic, action);
    }

    /// <summary>Whether the classifier found no cause: the provider's own bounce type may then say more.</summary>
    public static bool Undecided(ReasonDecision decision) => decision.Reason is "undefined" or "onhold";

    /// <summary>
    /// The de-duplication key of one event for one recipient: the same event delivered again (a provider's retry) has the
    /// same key, so the rules service stores it once.
    /// </summary>
    public static string DedupKey(string source, string eventId, string recipient)
    {
        var key = $"{source}:{eventId}:{recipient.Trim().ToLowerInvariant()}";
        // The stored key has 128 characters at most; a long id is hashed rather than cut (cut keys could collide).
        return key.Length <= 128 ? key : $"{source}:sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
    }

    /// <summary>The recipient of an event, checked enough for matching; anything without an @ is a malformed event.</summary>
    public static string Recipient(string? address, string field)
    {
        var trimmed = address?.Trim().Trim('<', '>');
        return trimmed is { Length: > 2 } && trimmed.IndexOf('@') is > 0 and var at && at < trimmed.Length - 1
            ? trimmed
            : throw new WebhookFormatException($"'{field}' is not an email address.");
    }

    /// <summary>
    /// The recipient as a bare address, checked strictly (the generic endpoint, whose callers are custom MTAs): one @, a
    /// dot-atom local part of at most 64 characters, a domain of dot-separated labels (letters, digits, hyphens, or
    /// non-ASCII for an international name) with at least one dot, 254 characters in all, no spaces, no display name, no
    /// angle brackets, no quoted local part.
    /// </summary>
    public static string StrictRecipient(string? address, string field)
        => BounceAdmin.Features.Mailability.MailAddressCheck.IsPlain(address, requireDottedDomain: true)
            ? address!.Trim()
            : throw new WebhookFormatException($"'{field}' is not an email address (one bare address, at most 254 characters).");

    /// <summary>Our own send id from the X-BounceAdmin-Send header or a provider's custom variable, when it is a number.</summary>
    public static long? SendId(string? value)
        => long.TryParse(value?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>Builds the input for one recipient of one event.</summary>
    /// <param name="permanent">
    /// What the provider's own type says: true for its hard/permanent types, false for its deferred, transient, soft or
    /// temporary ones, null when it says neither. See <see cref="Permanence"/> for how it meets the codes.
    /// </param>
    public static BounceInput Input(string source, string eventId, string recipient, DateTime occurredAt, ReasonDecision decision,
        string? status = null, int? replyCode = null, string? diagnostic = null, string? remoteMta = null, string? messageId = null, long? sendId = null,
        bool? permanent = null)
    {
        var finalStatus = string.IsNullOrWhiteSpace(status) ? ReasonRules.FindStatus(diagnostic) : status.Trim();
        var finalReply = replyCode ?? ReasonRules.FindReplyCode(diagnostic);
        return new(
            Recipient: recipient,
            Reason: decision.Reason,
            DedupKey: DedupKey(source, eventId, recipient),
            OccurredAt: occurredAt,
            Source: source,
            Status: finalStatus,
            ReplyCode: finalReply,
            Diagnostic: string.IsNullOrWhiteSpace(diagnostic) ? null : diagnostic.Trim(),
            RemoteMta: string.IsNullOrWhiteSpace(remoteMta) ? null : remoteMta.Trim(),
            Rule: decision.Rule,
            RuleExplanation: decision.Explanation,
            OriginalMessageId: string.IsNullOrWhiteSpace(messageId) ? null : messageId.Trim().Trim('<', '>'),
            SendId: sendId,
            Permanent: Permanence(permanent, finalStatus, finalReply));
    }

    /// <summary>
    /// The permanence of a webhook event (SPEC §3), decided by <see cref="BounceTaxonomy.PermanenceOf"/> for the codes and
    /// by the provider's type: temporary when either says temporary (a provider's deferred/soft type, or a 4.x.x status or
    /// 4xx reply under a hard type), else permanent when either says permanent, else not said. A temporary signal always
    /// wins, so no temporary failure can set Email Suspended or Email Invalid.
    /// </summary>
    public static bool? Permanence(bool? provider, string? status, int? replyCode)
    {
        var codes = BounceTaxonomy.PermanenceOf(status, replyCode);
        return provider == false || codes == false ? false : provider ?? codes;
    }

    /// <summary>The diagnostic without its RFC 3464 diagnostic-type prefix ("smtp; 550 ..." → "550 ...").</summary>
    public static string? StripDiagnosticType(string? diagnostic)
    {
        if (string.IsNullOrWhiteSpace(diagnostic))
        {
            return null;
        }

        var semicolon = diagnostic.IndexOf(';');
        return semicolon is > 0 and < 12 && diagnostic.AsSpan(0, semicolon).Trim().Equals("smtp", StringComparison.OrdinalIgnoreCase)
            ? diagnostic[(semicolon + 1)..].Trim()
            : diagnostic.Trim();
    }
}
