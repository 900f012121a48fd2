using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.RegularExpressions;

namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>A reason decision and the rule that made it.</summary>
/// <param name="Reason">Reason name of <see cref="BounceTaxonomy"/>.</param>
/// <param name="Rule">Stable rule id, e.g. <c>status:5.1.1</c>, <c>text:userunknown</c>, <c>reply:421</c>.</param>
/// <param name="Explanation">Short human explanation.</param>
public readonly record struct ReasonDecision(string Reason, string Rule, string Explanation);

/// <summary>
/// The rules that turn an enhanced status code (RFC 3463), an SMTP reply code (RFC 5321) and diagnostic wording into a
/// reason of <see cref="BounceTaxonomy"/>. The rules only name reasons; categories stay in the taxonomy.
/// </summary>
public static partial class ReasonRules
{
    /// <summary>
    /// Enhanced status codes whose meaning is specific enough to name a reason (RFC 3463 and the IANA registry of
    /// enhanced status codes). Class digit 4 and 5 share the table; codes ending in .0 (x.y.0) are generic and absent.
    /// </summary>
    private static readonly Dictionary<string, string> StatusTable = new(StringComparer.Ordinal)
    {
        // x.1.x addressing
        ["1.1"] = "userunknown", ["1.2"] = "hostunknown", ["1.3"] = "userunknown", ["1.4"] = "userunknown",
        ["1.5"] = "delivered", ["1.6"] = "hasmoved", ["1.7"] = "rejected", ["1.8"] = "rejected", ["1.9"] = "systemerror",
        ["1.10"] = "notaccept", ["1.0"] = "userunknown",
        // x.2.x mailbox
        ["2.0"] = "filtered", ["2.1"] = "suspend", ["2.2"] = "mailboxfull", ["2.3"] = "exceedlimit", ["2.4"] = "systemerror",
        // x.3.x mail system
        ["3.0"] = "systemerror", ["3.1"] = "systemfull", ["3.2"] = "notaccept", ["3.3"] = "systemerror", ["3.4"] = "mesgtoobig", ["3.5"] = "systemerror",
        // x.4.x network and routing
        ["4.0"] = "networkerror", ["4.1"] = "expired", ["4.2"] = "networkerror", ["4.3"] = "networkerror", ["4.4"] = "hostunknown",
        ["4.5"] = "systemfull", ["4.6"] = "networkerror", ["4.7"] = "expired",
        // x.5.x protocol
        ["5.1"] = "syntaxerror", ["5.2"] = "syntaxerror", ["5.3"] = "toomanyconn", ["5.4"] = "syntaxerror", ["5.5"] = "syntaxerror",
        ["5.6"] = "syntaxerror",
        // x.6.x content
        ["6.0"] = "contenterror", ["6.1"] = "contenterror", ["6.2"] = "contenterror", ["6.3"] = "contenterror", ["6.4"] = "contenterror", ["6.5"] = "contenterror",
        ["6.6"] = "contenterror", ["6.7"] = "contenterror", ["6.8"] = "contenterror", ["6.9"] = "contenterror", ["6.10"] = "contenterror",
        // x.7.x security and policy
        ["7.0"] = "securityerror", ["7.1"] = "securityerror", ["7.2"] = "systemerror", ["7.3"] = "securityerror", ["7.4"] = "securityerror", ["7.5"] = "securityerror",
        ["7.6"] = "securityerror", ["7.7"] = "securityerror", ["7.8"] = "securityerror", ["7.9"] = "securityerror",
        ["7.10"] = "securityerror", ["7.11"] = "failedstarttls", ["7.12"] = "securityerror", ["7.13"] = "suspend", ["7.14"] = "securityerror",
        ["7.15"] = "securityerror", ["7.16"] = "mesgtoobig", ["7.17"] = "hasmoved", ["7.18"] = "hasmoved", ["7.19"] = "hasmoved",
        ["7.20"] = "authfailure", ["7.21"] = "authfailure", ["7.22"] = "authfailure", ["7.23"] = "authfailure", ["7.24"] = "authfailure",
        ["7.25"] = "requireptr", ["7.26"] = "authfailure", ["7.27"] = "notaccept", ["7.28"] = "spamdetected", ["7.29"] = "authfailure",
        ["7.30"] = "authfailure",
    };

    /// <summary>
    /// Whole codes that a provider documents with a meaning of its own, beyond RFC 3463's subject and detail (vendor
    /// details of three digits, or a provider's use of a code). Looked up before <see cref="StatusTable"/>. Sources:
    /// Microsoft, "Email non-delivery reports and SMTP errors in Exchange Online" (learn.microsoft.com, the NDR code
    /// table) and its per-code pages "Fix NDR error 550 5.7.6xx / 5.7.7xx"; Google, "SMTP error reference"
    /// (support.google.com/a/answer/3726730).
    /// </summary>
    private static readonly Dictionary<string, string> ProviderStatusTable = new(StringComparer.Ordinal)
    {
        // Microsoft: 4.4.316 "Connection refused" (still retrying), 5.4.316 "Message expired" (gave up), 5.4.300 "Message expired".
        ["4.4.316"] = "networkerror", ["5.4.316"] = "expired", ["5.4.300"] = "expired", ["4.4.300"] = "expired",
        // Microsoft: 5.4.310 "DNS domain does not exist"; 4.4.312 / 5.4.312 "DNS query failed"; 5.4.14 "Hop count exceeded - possible mail loop".
        ["5.4.310"] = "hostunknown", ["4.4.312"] = "networkerror", ["5.4.312"] = "networkerror", ["5.4.14"] = "networkerror",
        // Microsoft: 5.2.121 / 5.2.122 "recipient's hourly message receive limit" reached.
        ["5.2.121"] = "speeding", ["5.2.122"] = "speeding", ["4.2.121"] = "speeding", ["4.2.122"] = "speeding",
        // Microsoft: 5.6.11 "SMTPSEND.BareLinefeedsAreIllegal".
        ["5.6.11"] = "notcompliantrfc",
        // Microsoft: 5.7.124 / 5.7.133-5.7.136 the sender is not allowed to send to the group or public folder (the address is fine).
        ["5.7.124"] = "rejected", ["5.7.133"] = "rejected", ["5.7.134"] = "rejected", ["5.7.135"] = "rejected", ["5.7.136"] = "rejected",
        // Microsoft: 5.7.501-5.7.503 "Access denied, spam abuse detected / banned sender"; 5.7.705, 5.7.708, 5.7.750 tenant or IP blocked.
        ["5.7.501"] = "blocked", ["5.7.502"] = "blocked", ["5.7.503"] = "blocked", ["5.7.705"] = "blocked", ["5.7.708"] = "blocked",
        ["5.7.750"] = "blocked",
        // Microsoft: 5.7.509 "Access denied, sending domain does not pass DMARC verification".
        ["5.7.509"] = "authfailure",
        // Microsoft 5.7.606-5.7.649 "Access denied, banned sending IP": see IsBannedIpCode.
    };

    /// <summary>Microsoft's 5.7.606-5.7.649 "Access denied, banned sending IP [IP]" (Exchange Online NDR table).</summary>
    private static bool IsBannedIpCode(string status) =>
        status.Length == 7 && status.StartsWith("5.7.6", StringComparison.Ordinal) && int.TryParse(status.AsSpan(4), out var detail)
        && detail is >= 606 and <= 649;

    /// <summary><see cref="StatusTable"/> looked up by a span of the status: no substring per lookup.</summary>
    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> StatusLookup = StatusTable.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Reasons a status code names only loosely: many servers send these codes for other causes (a spam filter answering
    /// 5.1.1, a policy block answering 5.7.1), so the diagnostic wording, when it says more, wins over them.
    /// </summary>
    private static readonly HashSet<string> WeakStatusReasons = new(StringComparer.Ordinal)
    {
        "userunknown", "hostunknown", "systemerror", "securityerror", "networkerror", "expired", "filtered", "onhold", "undefined",
    };

    /// <summary>Codes used so loosely in practice (x.2.1 for unknown users, x.1.0 for anything about an address) that they never decide first.</summary>
    /// <remarks>A pattern over the span, not a HashSet's span lookup: that generic instantiation is in no precompiled image.</remarks>
    private static bool IsLooseCode(ReadOnlySpan<char> subjectAndDetail) => subjectAndDetail is "2.1" or "1.0" or "2.0" or "3.0" or "4.0" or "6.0" or "7.0";

    /// <summary>Phrases so specific that they decide before any other rule, whatever else the text says.</summary>
    private static readonly (string Phrase, string Reason)[] StrongPhrases =
    [
        ("spam classification", "spamdetected"), ("banned sending ip", "blocked"), ("content presents a potential", "policyviolation"),
        ("not accepted for policy reasons", "policyviolation"),
        // Yahoo's documented [TSS04] deferral: "temporarily deferred due to unexpected volume or user complaints" is about
        // the sending IP's reputation (Yahoo Sender Hub error codes).
        ("due to unexpected volume or user complaints", "badreputation"),
        // Cox's documented error codes: AUP#CDRBL is the refusal of a sending IP listed in Cox's own RBL.
        ("aup#cdrbl", "blocked"),
        // Orange (France Telecom) documented code OFR_506: message refused as spam.
        ("ofr_506", "spamdetected"),
    ];

    /// <summary>
    /// "Unknown user" wordings that only the recipient's own mail store writes from its directory lookup (so they are
    /// recipient-stage refusals even without a status code or an "in reply to RCPT TO"): Exchange's IMS NDR, IMail's
    /// "Invalid final delivery userid", Verizon's MMS gateway, Google's "address couldn't be found", Yahoo's 554 "dd" code.
    /// </summary>
    private static readonly string[] DirectoryPhrases =
    [
        "the recipient name is not recognized", "invalid final delivery userid", "no valid recipients for this mm",
        "because the address couldn't be found", "delivery error: dd this user doesn't have",
        "unknown user: ",
        // qmail-remote's report of a refused RCPT ("192.0.2.1 does not like recipient. Remote host said: ...", qmail-remote.c).
        "does not like recipient",
        // Postfix smtpd's recipient-table refusals (LOCAL_RECIPIENT_README, VIRTUAL_README, ADDRESS_VERIFICATION_README).
        "in local recipient table", "in virtual mailbox table", "in virtual alias table", "in relay recipient table",
        // Google's documented 550 5.1.1 text (Gmail SMTP error reference).
        "the email account that you tried to reach does not exist",
        // Lotus Domino's directory lookup.
        "not listed in domino directory", "not listed in public name & address book",
    ];

    /// <summary>Yahoo's stage tags after "Remote host said: ..." ([RCPT_TO]: the answer to RCPT).</summary>
    private static readonly string[] StageTags = ["[rcpt_to]"];

    /// <summary>
    /// Exim's own bounce ("The following address(es) failed:") for an address its own routers could not deliver: without
    /// "SMTP error from remote mail server" the failure is the reporting host's own lookup of its local user (exim spec,
    /// "Bounce messages"; router failures "Unrouteable address", "unknown user").
    /// </summary>
    private static bool LocalRouterFailure(string? lowerDiagnostic, string lowerContext) =>
        lowerContext.Contains("the following address(es) failed", StringComparison.Ordinal)
        && !lowerContext.Contains("smtp error from remote", StringComparison.Ordinal)
        && lowerDiagnostic?.Contains("smtp error", StringComparison.Ordinal) != true;

    /// <summary>"Unknown"-rule phrases that are standard reply text for any recipient refusal (RFC 5321 §4.2.2, 550 "mailbox unavailable").</summary>
    private static readonly string[] AmbiguousUnknownPhrases = ["mailbox unavailable", "is unavailable", "rcpt to rejected", "undeliverable address"];

    /// <summary>Wordings that say outright that the address does not exist (they lift the doubt of <see cref="AmbiguousUnknownPhrases"/>).</summary>
    private static readonly string[] DefiniteUnknownPhrases =
    [
        "user unknown", "unknown user", "no such user", "no such mailbox", "no such recipient", "does not exist", "doesn't exist",
        "not found", "unknown recipient", "recipient unknown", "invalid recipient", "invalid mailbox",
    ];

    /// <summary>Reasons whose wording, beside "unknown" wording, marks the refusal as a block or filter (category 1).</summary>
    private static readonly string[] BlockReasons = ["spamdetected", "blocked", "policyviolation", "badreputation", "authfailure", "requireptr", "virusdetected"];

    /// <summary>Phrases of <see cref="BlockReasons"/> too broad to outweigh "unknown" wording ("not listed in Domino directory", a Barracuda host name).</summary>
    private static readonly string[] LooseBlockPhrases =
    [
        "listed in", "listed at", "listed on", "barracuda", "looks like", "high probability", "suspicious", "restricted", "compliance",
        "prohibited", "not allowed by", "your server", "your network", "your host", "has been temporarily", "mail server has been",
        "is not allowed to send", "not accepted from", "infected",
    ];

    /// <summary>The first block/spam/policy reason whose wording is in the text (not one of the loose phrases), or null.</summary>
    private static (string Reason, string Phrase)? BlockEvidence(RuleHits hits)
    {
        foreach (var reason in BlockReasons)
        {
            if (hits.Find(reason) is { } phrase && Array.IndexOf(LooseBlockPhrases, phrase) < 0)
            {
                return (reason, phrase);
            }
        }

        return null;
    }

    /// <summary>
    /// Wordings that say a report is only a warning about a delay, the MTA still trying (the strongest: they decide first).
    /// Sources: Postfix bounce(5) delay template ("This is a delivery status notification ... THIS IS A WARNING ONLY"),
    /// sendmail's DSN warning ("Warning: could not send message for past", "Will keep trying until message is"), Exim's
    /// delay warning (exim spec "Delay warnings": "has not yet been delivered ... Delivery attempts will continue"),
    /// Exchange's "Delivery is delayed to these recipients".
    /// </summary>
    private static readonly string[] WarningPhrases =
    [
        "warning message only", "this is a warning only", "you do not need to resend", "do not need to resend your message",
        "will keep trying", "will continue to try", "delivery attempts will continue", "still trying", "not yet been delivered",
        "could not send message for past", "delivery is delayed", "delivery has been delayed", "message delayed", "delayed mail",
        "will be retried", "will retry",
    ];

    /// <summary>
    /// Wordings of a final failure. Sources: qmail's QSBMF (cr.yp.to/proto/qsbmf.txt; qmail-send "This is a permanent
    /// error; I've given up"), Exim's "retry timeout exceeded" and "retry time not reached for any host after a long
    /// failure period" (exim spec, "Retry configuration": the address is failed), "will not be retried", Exchange's
    /// "Delivery has failed to these recipients", Gmail's "failed permanently", and the generic "permanent error/failure".
    /// </summary>
    private static readonly string[] FinalPhrases =
    [
        "permanent error", "permanent failure", "permanently", "permanent fatal error", "fatal error", "i've given up", "i'm not going to try again",
        "retry timeout exceeded", "after a long failure period", "will not be retried", "not be retried", "no further attempts",
        "giving up", "gave up", "given up", "has stopped trying", "delivery has failed", "unrecoverable error", "could not be delivered",
        "couldn't be delivered", "was not delivered", "wasn't delivered", "undeliverable", "returned to sender",
    ];

    /// <summary>
    /// Wordings of a temporary failure, weaker than <see cref="FinalPhrases"/> (a final report may quote a deferral reason):
    /// Postfix's "delivery temporarily suspended" (its deferred-queue reason), Exim's "retry time not reached", "temporary
    /// failure/error", "try again later" (RFC 5321 §4.2.1: the 4yz texts).
    /// </summary>
    private static readonly string[] TemporaryPhrases =
    [
        "delivery temporarily suspended", "retry time not reached", "temporary failure", "temporary error", "temporarily deferred",
        "temporarily rejected", "try again later", "please try again", "deferred",
    ];

    /// <summary>
    /// Whether the words of a bounce say the failure is final (true) or temporary (false), or neither (null): a warning
    /// wording first, then a final one, then a temporary one; the diagnostic before the rest of the bounce text. Used only
    /// where the status class, reply code and Action say nothing (<see cref="BounceTaxonomy.PermanenceOf"/>).
    /// </summary>
    public static bool? PermanenceOfWording(string? diagnostic, string? context = null)
    {
        // One pass of the three groups' automaton over each text (not one search per phrase over a 6,000-character context).
        Span<string?> inDiagnostic = new string?[3];
        Span<string?> inContext = new string?[3];
        if (Lower(diagnostic) is { Length: > 0 } lowerDiagnostic)
        {
            PermanenceIndex.FindFirst(lowerDiagnostic, inDiagnostic);
        }

        if (context is not null)
        {
            // All recipients of one message share its context: searched once per context (the per-thread cache).
            var cache = CacheFor(context);
            if (cache.PermanenceHits is null)
            {
                cache.PermanenceHits = new string?[3];
                if (cache.Lower.Length > 0)
                {
                    PermanenceIndex.FindFirst(cache.Lower, cache.PermanenceHits);
                }
            }

            cache.PermanenceHits.CopyTo(inContext);
        }

        if (inDiagnostic[0] is not null || inContext[0] is not null)
        {
            return false;
        }

        return inDiagnostic[1] is not null ? true : inDiagnostic[2] is not null ? false
            : inContext[1] is not null ? true : inContext[2] is not null ? false : null;
    }

    /// <summary>The warning, final and temporary wordings as the three groups of one automaton.</summary>
    private static readonly PhraseIndex PermanenceIndex = new([WarningPhrases, FinalPhrases, TemporaryPhrases]);

    /// <summary>Reasons checked first, in this order: each wins when its status code or its wording is present.</summary>
    private static readonly string[] FirstPass =
    [
        "notcompliantrfc", "virusdetected", "authfailure", "requireptr", "badreputation", "mailboxfull", "mesgtoobig", "exceedlimit", "suspend", "hasmoved",
        "norelaying", "hostunknown", "userunknown", "filtered", "rejected", "spamdetected", "toomanyconn", "speeding", "policyviolation", "blocked",
    ];

    /// <summary>One wording rule: a reason and the phrases (lower case) that indicate it, in order of preference.</summary>
    private sealed record TextRule(string Reason, string[] Phrases);

    /// <summary>
    /// Diagnostic wording, most specific first: the first rule with a matching phrase decides. Phrases are compared
    /// against the lower-cased diagnostic with whitespace collapsed.
    /// </summary>
    private static readonly TextRule[] TextRules =
    [
        new("authfailure", ["spf check", "spf fail", "spf record", "spf validation", "failed spf", "sender policy framework", " spf ", "dkim", "dmarc",
            "unauthenticated email", "authentication check failed", "is not authorized by domain", "not authorized to send on behalf",
            "sender id check", "domain authentication"]),
        new("requireptr", ["mismatches client ip", "reverse dns", "reverse lookup", "ptr record", "no ptr", "rdns", "reverse hostname", "cannot find your hostname",
            "cannot resolve your address", "unresolvable address", "ip name lookup failed", "reverse address", "forward-confirmed",
            "not have reverse", "does not resolve to", "no reverse", "hostname lookup failed", "cannot find your reverse",
            "matching ptr", "ptr lookup", "unverifyable sending ip", "unverifiable sending ip"]),
        new("badreputation", ["poor reputation", "low reputation", "bad reputation", "sender reputation", "ip reputation",
            "reputation is too low", "domain reputation"]),
        new("virusdetected", ["virus found", "virus detected", "contains a virus", "infected with", "virus infected", "has a virus", "a virus was", "virus was found", "virus alert", "malware", "infected", "trojan", "worm detected", "contains a macro"]),
        new("notcompliantrfc", ["rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "rfc 822", "rfc822 compliant", "not rfc compliant",
            "multiple addresses in from", "duplicate header", "headers are not rfc", "message is not rfc", "bare lf", "bare line feed",
            "invalid message header"]),
        new("mailboxfull", ["mailbox full", "mailbox is full", "mailbox quota", "over quota", "overquota", "quota exceeded", "exceeded quota",
            "exceeds quota", "quota full", "exceeded storage allocation", "exceeded its storage", "disk quota", "mailbox size limit",
            "mailbox has exceeded", "mailbox exceeded", "is over its quota", "is over the quota", "full mailbox", "mail box full",
            "mailbox is over", "account is full", "account is over quota", "would exceed mailbox", "would exceed the quota",
            "too much mail data", "storage limit", "inbox is full", "user is over", "exceed the quota", "insufficient quota",
            "mailfolder is full", "maildir over quota", "storage allocation", "not enough storage space in", "quota violation",
            "mailbox size exceeded", "the user's mailbox is full", "exceeded mailbox", "quota for the mailbox", "mailbox over quota",
            "quota reached", "exceeded the storage", "recipient's mailbox is full", "is full", "no space for user", "space limit"]),
        new("mesgtoobig", ["message too big", "message too large", "message is too big", "message is too large", "message size exceeds",
            "message size exceeded", "exceeds size limit", "size limit exceeded", "exceeded maximum message size",
            "message file too big", "message size too large", "exceeds maximum message size", "exceeds the maximum size",
            "maximum message size", "mail too large", "email too large", "exceeds the size limit", "larger than the maximum",
            "exceeds fixed maximum message size", "message exceeds maximum", "line limit exceeded"]),
        // "Message length exceeds administrative limit" is RFC 3463's wording of X.2.3 (exceedlimit in the status table).
        new("exceedlimit", ["message header size exceeds limit", "message length exceeds", "recipient limit", "address lists are too long"]),
        new("suspend", ["temporary locked", "temporarily locked", "account disabled", "account is blocked", "compte du destinataire est bloque", "account that you tried to reach is inactive", "account has been disabled", "account is disabled", "account is inactive", "account inactive",
            "account suspended", "account has been suspended", "account is suspended", "mailbox disabled", "mailbox is disabled",
            "mailbox is inactive", "mailbox currently suspended", "mailbox has been suspended", "mailbox is suspended", "has been suspended",
            "recipient suspended", "temporarily disabled", "boite du destinataire archivee", "mailbox is frozen", "account expired",
            "inactive account", "inactive user", "user suspended", "mail receiving disabled", "user account disabled", "is disabled",
            "has been disabled", "not currently active", "mailbox unavailable or inactive", "recipient address is inactive",
            "account has expired", "is no longer active", "account is locked", "mailbox locked", "extended inactivity",
            "service suspended", "deactivated", "mailbox is locked"]),
        new("norelaying", ["address is not verified", "not configured to relay", "relay access denied", "relaying denied", "relay denied", "relay not permitted", "not permitted to relay",
            "we do not relay", "unable to relay", "relaying not allowed", "not allowed to relay", "relay prohibited", "no relaying",
            "relaying mail to", "isn't in my list of allowed rcpthosts", "not in my list of allowed rcpthosts", "relay not allowed",
            "is not a gateway", "cannot relay", "relaying is prohibited", "open relay", "relay_denied"]),
        new("hasmoved", ["has been replaced by", "address has moved", "user has moved", "mailbox has moved", "no longer with the company",
            "has changed to", "address changed to", "new address is", "moved to"]),
        new("userunknown", ["invalid final delivery userid", "user unknown", "unknown user", "no such user", "no such mailbox", "no such recipient", "no such person",
            "no such local user", "no such account", "user not found", "couldn't be found", "could not be found", "wasn't found at", "was not found at", "name is not recognized", "unknown recip", "user does not exist", "user doesn't exist", "user doesn't have",
            "user not known", "user is unknown", "unknown recipient", "recipient unknown", "recipient not found", "recipient does not exist",
            "recipient is not local", "invalid recipient", "invalid mailbox",
            "invalid address", "invalid user", "address unknown", "address does not exist", "address doesn't exist", "addresses were unknown",
            "unknown address", "unknown local part", "unknown mailbox", "unknown or illegal alias", "mailbox not found", "mailbox not present",
            "mailbox unavailable", "mailbox does not exist", "mailbox doesn't exist", "mailbox is not found", "mailbox not exist",
            "no mailbox here", "no mailbox", "not a valid mailbox", "not a valid recipient", "not a valid user", "not a known user",
            "is not a known", "account does not exist", "account doesn't exist", "no account", "email account that you tried to reach does not exist",
            "no valid recipients", "does not exist", "doesn't exist", "not our customer", "archived recipient",
            "mailbox unknown", "bad recipient", "bad destination", "invalid-recipient", "undeliverable address", "not exist", "no user",
            "unknown email address", "user invalid", "is not known", "no such address", "destination server rejected recipients",
            "there is no one", "not listed in domino directory", "not listed in public name",
            "does not have an account", "is not a valid e-mail", "recipient not valid", "rcpt to rejected", "no longer valid",
            "is unavailable", "recipient no longer", "recipient address rejected: access denied", "invalid-address", "unknown in local recipient table"]),
        new("hostunknown", ["dns lookup failure: host", "name lookup failure", "bad destination system", "host unknown", "unknown host", "host not found", "domain not found", "domain does not exist", "no such domain",
            "domain name not found", "name or service not known", "domain must exist", "illegal host/domain", "domain is not valid",
            "host or domain name not found", "mx records point to non-existent", "unrouteable mail domain", "unrouteable address", "domain may not exist", "domain is not reachable", "unknown domain",
            "no such host", "domain does not accept", "domain isn't in my list", "not a valid domain", "bad destination host",
            "domain lookup failed", "non-existent domain", "nonexistent domain", "host does not exist", "invalid domain", "domain not exist"]),
        new("notaccept", ["system not accepting network messages", "does not accept mail", "null mx", "does not accept email", "not accepting mail", "accepts no mail",
            "no mx record", "no mx found", "indicated no smtp service", "no mx host"]),
        new("filtered", ["each of the following recipients was rejected by", "rejected by recipient", "refused by recipient", "blocked by recipient", "blocked by the recipient", "user reject",
            "recipient has blocked", "recipient rejected your message", "has chosen to block", "message filtered", "filtered by",
            "delivery not authorized", "not accepting email from", "not authorized to email", "by the user",
            "user has blocked", "recipient's filter", "message rejected by user", "the recipient does not accept", "sender is blocked by the recipient",
            "has restricted", "is not authorized to send mail to", "recipient refused"]),
        new("rejected", ["purported responsible address", "different address or alias", "not a member of", "access denied", "address has been blacklisted", "sender rejected", "sender was rejected", "sender address rejected", "sender verify failed", "sender verification failed", "invalid sender",
            "sender domain", "domain of sender", "sender is not allowed", "sender not allowed", "envelope sender", "bogus mail from",
            "sender address", "address of the sender", "sender denied",
            "reject sender", "unknown sender", "sender unknown", "sender is blacklisted", "your envelope", "senders domain",
            "sender's domain", "sender blocked", "refused mail from", "sender mx", "check the sender", "rejected sender"]),
        new("spamdetected", ["as spam", "is spam", "be spam", "spam message", "spam detected", "spam score", "spam filter", "spam content", "likely spam", "spam classification", "- spam", "spam mail", "spam-like", "identified as spam", "considered spam", "junk mail", "junkmail", "bulk mail", "unsolicited", "message content rejected", "blacklisted url",
            "scored too high", "suspicious", "content rejected", "looks like", "score too high", "high probability", "phish"]),
        // "Too many recipients" is RFC 3463's own wording of X.5.3, which the status table maps to toomanyconn: the
        // wording and the code name the same reason.
        new("toomanyconn", ["too many recipients", "exceeded the maximum number of recipients", "connection rate limit", "too many connections", "too many simultaneous connections", "too many concurrent", "frequency limited", "connection limit",
            "too many sessions", "too many smtp sessions", "too many open connections", "concurrent connections", "maximum connections"]),
        new("speeding", ["rate limit", "at a rate that", "ratelimit", "rate-limit", "rate limited", "too many messages", "throttl", "sending too fast",
            "too many emails", "too many mails", "max emails per hour", "too fast", "exceeded the rate",
            "too many messages in",
            // Microsoft: 4.3.2 "STOREDRV.Deliver; recipient thread limit exceeded" (receiving too many messages too quickly).
            "recipient thread limit exceeded"]),
        new("failedstarttls", ["not support tls", "support starttls", "starttls", "tls required", "requires tls", "tls is required", "must use tls", "tls negotiation failed",
            "encryption required", "tls handshake"]),
        new("securityerror", ["unauthenticated", "authentication required", "authentication is required", "must be authenticated", "not authenticated",
            "authentication failed", "authentication credentials", "security policy", "insecure", "must authenticate", "smtp auth",
            "submission must be authenticated", "encryption"]),
        new("policyviolation", ["network not allowed", "content presents a potential", "potential security issue", "policy reasons", "policy", "prohibited", "not allowed by", "message not allowed", "restricted", "compliance",
            "violat", "forbidden"]),
        new("blocked", ["blocked", "blacklist", "blocklist", "block list", "black list", "banned", "denylist", "deny list", "dnsbl", "rbl",
            "spamhaus", "spamcop", "sorbs", "barracuda", "listed in", "listed at", "listed on", "client host rejected",
            "refused to talk", "not accepting connections", "not allowed to connect", "your ip", "dynamic ip", "dialup", "dial-up", "connection refused by",
            "service unavailable; client", "connection rejected", "sender ip", "your host",
            "your server", "your network", "connections not accepted", "mail server has been", "is not allowed to send",
            "has been temporarily", "not accepted from", "your domain has been"]),
        new("systemfull", ["mail system full", "insufficient system storage", "not enough disk space", "no space left", "disk full", "insufficient disk space",
            "system storage", "out of disk", "out of space"]),
        new("mailererror", ["mailer error", "command failed", "command died", "exit status", "x-unix", "procmail", "program failed",
            "pipe to", "unknown mailer", "mail delivery program", "local delivery failed", "delivery agent"]),
        new("expired", ["delivery time expired", "requests to connect", "will be retried", "not reachable", "retry time exceeded", "retry timeout exceeded", "message expired", "could not be delivered for",
            "timed out", "timeout", "queue too long", "in the queue too long", "giving up", "given up", "gave up", "have been unable to deliver",
            "was not delivered within", "delivery expired", "expired", "too long in queue", "retry limit", "undeliverable for",
            "could not deliver for", "delivery attempts", "unable to deliver for", "has been delayed", "not yet been delivered",
            "retry period", "maximum time", "was aborted after", "no further attempts", "could not be delivered within", "delivery has failed after"]),
        // "Bad connection" is RFC 3463's wording of X.4.2 (networkerror in the status table).
        new("networkerror", ["bad connection", "name server reply", "nxdomain", "network error", "could not connect", "connection refused", "network is unreachable", "no route to host", "lost connection",
            "connection reset", "connection closed", "dns error", "dns lookup", "name server", "name service error", "host is unreachable",
            "unable to connect", "can't connect", "cannot connect", "too many hops", "loops back to myself", "mail loop", "routing loop",
            "loop detected", "hop count exceeded", "temporary failure in name resolution", "dns failure", "could not be resolved",
            "no answer", "unreachable", "host not responding", "connection dropped", "remote host closed",
            "failed to connect", "name resolution", "mx lookup", "dns problem"]),
        new("syntaxerror", ["malformed address", "incorrectly constructed", "syntax error", "command unrecognized", "command not recognized", "unrecognized command", "bad sequence of commands",
            "command not implemented", "invalid command", "line too long", "parameter not implemented"]),
        new("contenterror", ["content error", "illegal attachment", "header error", "prohibited attachment", "attachment not allowed",
            "invalid content", "message content", "8-bit data", "8bit data", "improper use", "content type"]),
        new("systemerror", ["system error", "internal error", "server error", "local error", "configuration error", "temporary failure",
            "temporarily unavailable", "service unavailable", "system not available", "processing error", "error in processing",
            "system problem", "server problem", "misconfigured", "config error", "temporary problem", "unavailable", "i/o error",
            "database error"]),
    ];

    /// <summary>The wording rules in order, each with its phrases: what <see cref="MatchText"/> searches (for tests and documentation).</summary>
    internal static IEnumerable<(string Reason, IReadOnlyList<string> Phrases)> WordingRules()
    {
        foreach (var rule in TextRules)
        {
            yield return (rule.Reason, rule.Phrases);
        }
    }

    /// <summary>All phrases of <see cref="TextRules"/>, one group per rule in rule order: one pass finds every rule's first phrase.</summary>
    private static readonly PhraseIndex TextRuleIndex = CreateTextRuleIndex();

    private static PhraseIndex CreateTextRuleIndex()
    {
        var groups = new string[TextRules.Length][];
        for (var i = 0; i < TextRules.Length; i++)
        {
            groups[i] = TextRules[i].Phrases;
        }

        return new PhraseIndex(groups);
    }

    /// <summary>Matches an enhanced status code (RFC 3463) such as 5.1.1 or 4.7.26.</summary>
    [GeneratedRegex(@"(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?![\w.]|\.\d)", RegexOptions.CultureInvariant)]
    internal static partial Regex StatusCodePattern();

    /// <summary>Matches an SMTP reply code (RFC 5321) of a failure as it appears in server text, e.g. "550 ", "550-", "said: 452".</summary>
    [GeneratedRegex(@"(?<![\w.:/+-])([45][0-5][0-9])(?=[ \-]|$)", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    internal static partial Regex ReplyCodePattern();

    /// <summary>The first enhanced status code in <paramref name="text"/>, or null.</summary>
    public static string? FindStatus(string? text) => string.IsNullOrEmpty(text) ? null : FindStatus(text.AsSpan());

    /// <summary>The first enhanced status code in <paramref name="text"/>, or null (no Match object, no substring to search).</summary>
    internal static string? FindStatus(ReadOnlySpan<char> text)
    {
        foreach (var m in StatusCodePattern().EnumerateMatches(text))
        {
            return text.Slice(m.Index, m.Length).ToString();
        }

        return null;
    }

    /// <summary>The first SMTP failure reply code in <paramref name="text"/>, or null.</summary>
    public static int? FindReplyCode(string? text) => string.IsNullOrEmpty(text) ? null : FindReplyCode(text.AsSpan());

    /// <summary>The first SMTP failure reply code in <paramref name="text"/>, or null.</summary>
    /// <remarks>The pattern's only group is the whole match (the rest are lookarounds), so the match is the code.</remarks>
    internal static int? FindReplyCode(ReadOnlySpan<char> text)
    {
        foreach (var m in ReplyCodePattern().EnumerateMatches(text))
        {
            return int.Parse(text.Slice(m.Index, m.Length), System.Globalization.CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <summary>The reason a status code names on its own (class 4/5, specific subject/detail), or null for a generic code.</summary>
    public static string? ReasonOfStatus(string? status)
    {
        if (status is null || status.Length < 5)
        {
            return null;
        }

        if (status[0] == '2')
        {
            return "delivered";
        }

        if (ProviderStatusTable.TryGetValue(status, out var provider))
        {
            return provider;
        }

        if (IsBannedIpCode(status))
        {
            return "blocked";
        }

        var rest = status.AsSpan(2);
        if (StatusLookup.TryGetValue(rest, out var reason))
        {
            return reason;
        }

        // Vendor details beyond RFC 3463 (Exchange's 5.1.351, 5.4.316): fall back to the subject's generic meaning.
        var dot = rest.IndexOf('.');
        if (dot > 0 && rest.Length - dot - 1 >= 3 && !rest[(dot + 1)..].StartsWith("9"))
        {
            var subject = string.Concat(rest[..dot], ".0");
            return StatusTable.TryGetValue(subject, out var generic) ? generic : null;
        }

        return null;
    }

    /// <summary>The first wording rule matching <paramref name="lowerText"/> (already lower case), with the phrase that matched.</summary>
    public static (string Reason, string Phrase)? MatchText(string? lowerText)
    {
        if (string.IsNullOrEmpty(lowerText))
        {
            return null;
        }

        var found = new string?[TextRules.Length];
        TextRuleIndex.FindFirst(lowerText, found);
        for (var i = 0; i < found.Length; i++)
        {
            if (found[i] is { } phrase)
            {
                return (TextRules[i].Reason, phrase);
            }
        }

        return null;
    }

    /// <summary>
    /// The SMTP command (RFC 5321) the remote server answered with the failure, as MTAs report it ("in reply to RCPT TO
    /// command", "after end of data", "did not like our DATA", "&gt;&gt;&gt; MAIL FROM"): RCPT, MAIL, DATA, or null when not told.
    /// </summary>
    public static string? SmtpCommand(string? lowerText)
    {
        if (string.IsNullOrEmpty(lowerText))
        {
            return null;
        }

        if (CommandWordAfterLeadIn(lowerText) is { } word)
        {
            return word is "rcpt" or "recipient" ? "RCPT"
                : word.StartsWith("mail", StringComparison.Ordinal) ? "MAIL"
                : word.Contains("data", StringComparison.Ordinal) ? "DATA"
                : null;
        }

        // A transcript line that starts with the command itself ("RCPT TO:<x>" then the refusal).
        return lowerText.StartsWith("rcpt to", StringComparison.Ordinal) ? "RCPT" : null;
    }

    /// <summary>What MTAs write before the SMTP command they report ("in reply to", "after", "&gt;&gt;&gt;", "smtp command:").</summary>
    private static readonly string[] CommandLeadInPhrases =
    [
        "in reply to", "after", "did not like our", "does not like", "smtp:", "while sending", "response to", ">>>", "smtp command",
        "smtp command:", "most progress was", "error after",
    ];

    /// <summary>The command words, in the order they are tried at one position ("mail from" before "mail").</summary>
    private static readonly string[] CommandWords = ["rcpt", "recipient", "mail from", "mail", "end of data", "data", "message body"];

    /// <summary>
    /// The first command word in <paramref name="text"/> that follows a lead-in, optionally with "the" in between
    /// ("after end of data", "in reply to the RCPT TO"): the leftmost such word; at one position the first of
    /// <see cref="CommandWords"/> that is there. Words are not cut at word ends ("mailbox" counts as "mail"), as MTAs run
    /// them into what follows ("RCPT TO:&lt;a@b&gt;").
    /// </summary>
    internal static string? CommandWordAfterLeadIn(string text)
    {
        // Each word's occurrences in turn (a vectorised search; the words are rarer than the lead-ins' letters), keeping
        // the leftmost one after a lead-in; a later word replaces it only when strictly further left.
        var best = int.MaxValue;
        string? found = null;
        foreach (var word in CommandWords)
        {
            var from = 0;
            while (from < text.Length)
            {
                var at = text.AsSpan(from).IndexOf(word, StringComparison.Ordinal);
                if (at < 0 || from + at >= best)
                {
                    break;
                }

                at += from;
                if (LeadInBefore(text, at))
                {
                    best = at;
                    found = word;
                    break;
                }

                from = at + 1;
            }
        }

        return found;
    }

    /// <summary>Whether a lead-in, then optional white space, then optionally "the" and white space, ends at <paramref name="at"/>.</summary>
    private static bool LeadInBefore(string text, int at)
    {
        var end = SkipWhiteSpaceBackwards(text, at);
        if (EndsWithLeadIn(text, end))
        {
            return true;
        }

        return end < at && end >= 3 && text.AsSpan(end - 3, 3) is "the" && EndsWithLeadIn(text, SkipWhiteSpaceBackwards(text, end - 3));
    }

    private static int SkipWhiteSpaceBackwards(string text, int end)
    {
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    private static bool EndsWithLeadIn(string text, int end)
    {
        var before = text.AsSpan(0, end);
        foreach (var leadIn in CommandLeadInPhrases)
        {
            if (before.EndsWith(leadIn, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Decides the reason of one failed or delayed recipient from its status, reply code, diagnostic and action.
    /// Order: success actions; the specific reasons (each wins by its status code or its wording, most specific first;
    /// "user unknown" wording counts only for a recipient-stage refusal, at the DATA stage it means a content filter);
    /// a status code that names its reason firmly; the remaining wording; a loose status code; "expired" for a delay;
    /// the reply code; otherwise "onhold" (a permanent failure nobody explains) or "undefined".
    /// </summary>
    /// <param name="status">Enhanced status code or null.</param>
    /// <param name="replyCode">SMTP reply code or null.</param>
    /// <param name="diagnostic">Diagnostic text (any case) or null.</param>
    /// <param name="action">RFC 3464 Action or null.</param>
    /// <param name="context">Further bounce text to read when the diagnostic says nothing, or null.</param>
    public static ReasonDecision Decide(string? status, int? replyCode, string? diagnostic, string? action, string? context = null)
    {
        var decision = DecideCore(status, replyCode, diagnostic, action, context);

        // RFC 3463 X.4.1 "No answer from host" / X.4.2 "Bad connection" in class 5: a transient network failure that the
        // reporting MTA retried until it gave up, so the delivery expired; the network wording only tells what kept failing.
        if (decision.Reason == "networkerror" && RemoteStatus(status, diagnostic) is "5.4.1" or "5.4.2")
        {
            return new("expired", "status:5.4.x-retried", $"a network failure ({decision.Explanation}) with a permanent X.4.x status: the sender retried until it gave up");
        }

        return decision;
    }

    private static ReasonDecision DecideCore(string? status, int? replyCode, string? diagnostic, string? action, string? context)
    {
        if (action is "delivered" or "relayed" or "expanded")
        {
            return new("delivered", "action:" + action, $"the report's Action is '{action}': a delivery confirmation, not a bounce");
        }

        status = RemoteStatus(status, diagnostic);
        var statusReason = ReasonOfStatus(status);
        if (statusReason == "delivered")
        {
            return new("delivered", "status:" + status, $"status {status} is a success");
        }

        // A whole code a provider documents (Microsoft's 5.4.316, 5.7.606...) means what the provider says it means.
        if (status is not null && (ProviderStatusTable.ContainsKey(status) || IsBannedIpCode(status)) && statusReason is not null)
        {
            return new(statusReason, "status:" + status, $"enhanced status {status} is documented by its provider as {statusReason}");
        }

        var loose = status is not null && status.Length > 2 && IsLooseCode(status.AsSpan(2));
        var unknownVetoed = false;
        var lowerDiagnostic = JoinContinuations(Lower(diagnostic));
        var diagnosticHits = RuleHits.ForThread(0, lowerDiagnostic);
        var hits = diagnosticHits;
        var from = "diagnostic";
        var command = SmtpCommand(lowerDiagnostic);
        var commandKnown = command is not null || context is null;

        // The command the rest of the bounce names, looked for only when a rule asks (lowering a long text costs).
        string? Command()
        {
            if (!commandKnown)
            {
                command = ContextCommand(context!);
                commandKnown = true;
            }

            return command;
        }

        // The rest of the bounce is read only when the recipient's own status and diagnostic say nothing usable.
        if (context is not null && (statusReason is null || loose))
        {
            var own = diagnosticHits.Any();
            if (own is null)
            {
                hits = RuleHits.ForThread(1, LowerContext(context));
                from = "bounce text";
            }
            else if (own.Value.Reason is "systemerror" or "mailererror")
            {
                // Only generic wording in the diagnostic ("system error", "mailer error"): a specific cause in the rest of the
                // bounce (a block, a full mailbox) says more, so it is read, and used when it names one.
                var rest = RuleHits.ForThread(1, LowerContext(context));
                if (rest.Any() is { } other && other.Reason is not ("systemerror" or "mailererror" or "expired" or "networkerror"))
                {
                    hits = rest;
                    from = "bounce text";
                }
            }
        }

        // x.4.4 "unable to route" with the MX lookup named as what failed: the domain has no mail exchanger (notaccept).
        if (status is not null && status.StartsWith('5') && status.EndsWith(".4.4", StringComparison.Ordinal)
            && hits.Text is { } mxText && (mxText.Contains("mail exchanger", StringComparison.Ordinal)))
        {
            return new("notaccept", "text:no-mx", "status x.4.4 (unable to route) and the text says the MX lookup failed: the domain accepts no mail");
        }

        // Exchange Online answers x.1.10 (null MX, RFC 7505) for any unknown recipient; its wording tells which one it is.
        if (statusReason == "notaccept" && status!.EndsWith(".1.10", StringComparison.Ordinal) && hits.Find("userunknown") is not null)
        {
            statusReason = "userunknown";
        }

        foreach (var (strong, strongReason) in StrongPhrases)
        {
            if (lowerDiagnostic?.Contains(strong, StringComparison.Ordinal) == true)
            {
                return new(strongReason, "text:" + strongReason, $"the diagnostic says \"{strong}\"");
            }
        }

        for (var pass = 0; pass < FirstPass.Length; pass++)
        {
            var reason = FirstPass[pass];
            if (statusReason == reason && !loose && !WeakStatusReasons.Contains(reason))
            {
                return FromStatus(status!, reason);
            }

            if (hits.At(FirstPassRules[pass]) is not { } phrase)
            {
                continue;
            }

            // Broad wording yields to a status code that firmly names another reason (5.1.8 "sender address rejected ... does not exist").
            if (reason is "userunknown" or "hostunknown" or "blocked" or "filtered" or "rejected" && statusReason is not null && statusReason != reason
                && !loose && !WeakStatusReasons.Contains(statusReason))
            {
                continue;
            }

            if (reason is "userunknown" or "hostunknown" && Command() == "MAIL")
            {
                // RFC 5321: at MAIL FROM the unknown address or domain is the sender's.
                return new("rejected", "command:mail-unknown-sender", $"the {from} says \"{phrase}\" in answer to MAIL FROM: the sender address was refused");
            }

            // x.5.x (protocol status) is what MTAs answer at RCPT: it confirms the recipient stage too.
            var recipientStage = Command() == "RCPT" || (status is not null && status.Length > 2 && status[2] == '5')
                || ContainsAny(hits.Text, DirectoryPhrases)
                || (status is [_, '.', '4', '.', '1'] && phrase == "recipient address rejected: access denied")
                || ContainsAny(hits.Text, StageTags)
                || (context is not null && LocalRouterFailure(hits.Text, LowerContext(context)));
            var addressingStatus = status is not null && status.Length > 2 && status[2] == '1';

            // Microsoft documents "550 5.4.1 Recipient address rejected: Access denied" as Directory-Based Edge Blocking of
            // an address that does not exist in the tenant; the same words from any other status are a policy refusal.
            if (reason == "userunknown" && phrase == "recipient address rejected: access denied" && !addressingStatus
                && status is not [_, '.', '4', '.', '1'])
            {
                unknownVetoed = true;
                continue;
            }

            // RFC 5321 §4.2.2: 550 "mailbox unavailable" is the reply text for any refusal of a recipient (no such
            // mailbox, no access, or a policy refusal). It is evidence of a missing address only beside an addressing status
            // or as the answer to RCPT (Outlook.com answers unknown recipients "550 5.5.0 Requested action not taken:
            // mailbox unavailable"); block wording beside it still wins (below).
            if (reason == "userunknown" && !addressingStatus && !recipientStage && ContainsAny(phrase, AmbiguousUnknownPhrases)
                && !ContainsAny(hits.Text, DefiniteUnknownPhrases))
            {
                unknownVetoed = true;
                continue;
            }

            // Block, spam or policy wording beside "unknown" wording: the refusal is a filter's, and Email Invalid needs
            // evidence that the address does not exist (SPEC §3, suspected false positives). The block reason wins.
            if (reason is "userunknown" or "hostunknown" && BlockEvidence(hits) is { } block)
            {
                return new(block.Reason, "text:" + block.Reason + "-over-unknown",
                    $"the {from} says \"{phrase}\" but also \"{block.Phrase}\": a block or filter refusal, not evidence that the address does not exist");
            }
            if (reason == "userunknown" && NamelessUserUnknown().IsMatch(hits.Text ?? ""))
            {
                // "550 : User unknown": a refusal that names no address is not a directory lookup of this recipient but a
                // receiving-side filter answering with that wording (the documented behaviour of au/KDDI's domain filter).
                return new("filtered", "text:userunknown-no-address",
                    $"the {from} says \"{phrase}\" without naming any address: a filter refused the message");
            }

            if (reason == "userunknown" && Command() == "DATA" && HostDoesNotExist().IsMatch(hits.Text ?? ""))
            {
                // "553 mx.example.com does not exist": the subject that does not exist is a host name, not a mailbox.
                return new("hostunknown", "text:host-does-not-exist", $"the {from} says a host name does not exist");
            }

            if (reason == "userunknown" && statusReason != "userunknown" && !recipientStage)
            {
                // RFC 5321 §3.3: recipients are accepted or refused at RCPT; a refusal after DATA with this wording is about
                // the message, so it comes from a filter. Without any sign of the RCPT stage the same holds: see README
                // ("User unknown without a stage") for why this default stays.
                return Command() == "DATA"
                    ? new("filtered", "text:userunknown-after-data",
                        $"the {from} says \"{phrase}\" in answer to DATA (after the recipient was accepted): a filter refused the message")
                    : new("filtered", "text:userunknown-no-stage",
                        $"the {from} says \"{phrase}\" but neither the status nor an answer to RCPT TO confirms the address: a filter refused the message");
            }

            if (reason == "hostunknown" && (status?.StartsWith('4') == true || replyCode is >= 400 and < 500 || (hits.Text?.Contains("try again", StringComparison.Ordinal) == true && status?.StartsWith('5') != true && replyCode is not (>= 500 and < 600))
                ))
            {
                // RFC 3463 class 4: a lookup that failed for now (DNS trouble), not a domain known not to exist.
                return new("networkerror", "text:hostunknown-temporary", $"the {from} says \"{phrase}\" but the failure is temporary: a DNS or network problem");
            }

            if (reason == "mesgtoobig" && statusReason == "exceedlimit")
            {
                return FromStatus(status!, "exceedlimit");
            }

            return new(reason, "text:" + reason, $"the {from} says \"{phrase}\"");
        }

        if (statusReason is not null && !WeakStatusReasons.Contains(statusReason) && !loose)
        {
            return FromStatus(status!, statusReason);
        }

        if ((unknownVetoed ? hits.AnyExcept(RuleIndex["userunknown"], RuleIndex["hostunknown"]) : hits.Any()) is { } t)
        {
            if (statusReason is not null && GenericWording(t.Reason) && !loose)
            {
                return FromStatus(status!, statusReason);
            }

            return new(t.Reason, "text:" + t.Reason, $"the {from} says \"{t.Phrase}\"");
        }

        if (statusReason is not null && !loose)
        {
            return FromStatus(status!, statusReason);
        }

        if (Command() == "MAIL")
        {
            // RFC 5321: a refusal at MAIL FROM concerns the sender; with a security/policy status (x.7.x) it is the sending host that is blocked.
            return status?.Length > 2 && status[2] == '7'
                ? new("blocked", "command:mail-policy", "the server refused the envelope sender (answer to MAIL FROM) with a policy status")
                : new("rejected", "command:mail", "the server refused the envelope sender (answer to MAIL FROM)");
        }

        if (statusReason is not null)
        {
            return FromStatus(status!, statusReason);
        }

        if (action == "delayed")
        {
            return new("expired", "action:delayed", "the report's Action is 'delayed' and no cause is given");
        }

        // A bare refusal ("550 Rejected", "554 Access refused") with no cause: the receiving side blocked the message.
        if (replyCode is >= 500 and < 600 && lowerDiagnostic is { Length: < 120 } shortText
            && (shortText.Contains("rejected", StringComparison.Ordinal) || shortText.Contains("refused", StringComparison.Ordinal)))
        {
            return new("blocked", "text:bare-refusal", "the server refused the message without giving a cause");
        }

        if (replyCode is { } code && ReasonOfReply(code) is { } byReply)
        {
            return new(byReply, "reply:" + code, $"SMTP reply code {code} (RFC 5321) means {byReply}");
        }

        var permanent = status?.StartsWith('5') == true || replyCode is >= 500 and < 600 || action == "failed";
        return permanent || !string.IsNullOrWhiteSpace(diagnostic)
            ? new("onhold", "fallback:onhold", "a failure whose cause the report does not tell in words this classifier knows")
            : new("undefined", "fallback:undefined", "the report tells neither a usable status code nor a known cause");
    }

    /// <summary>
    /// Removes the reply-code prefixes of the continuation lines of a multi-line SMTP reply (RFC 5321 §4.2.1,
    /// "550-5.7.1 ... 550 5.7.1 ..."), so a sentence wrapped over lines matches as one.
    /// </summary>
    private static string? JoinContinuations(string? lower)
    {
        if (lower is null || lower.Length < 8)
        {
            return lower;
        }

        var rest = lower.AsSpan(1);
        if (!Continuation().IsMatch(rest))
        {
            return lower;
        }

        // As Continuation().Replace(rest, " ") after the first character, written once into one buffer: Replace collects
        // the matches in a growing list and builds the string through a builder; each match is longer than its space, so
        // the result fits in the input's length.
        char[]? rented = null;
        var buffer = lower.Length <= 1024 ? stackalloc char[lower.Length] : (rented = ArrayPool<char>.Shared.Rent(lower.Length));
        buffer[0] = lower[0];
        var length = 1;
        var copied = 0;
        foreach (var match in Continuation().EnumerateMatches(rest))
        {
            rest[copied..match.Index].CopyTo(buffer[length..]);
            length += match.Index - copied;
            buffer[length++] = ' ';
            copied = match.Index + match.Length;
        }

        rest[copied..].CopyTo(buffer[length..]);
        length += rest.Length - copied;
        var joined = new string(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return joined;
    }

    [GeneratedRegex(@" [245][0-9][0-9][ -](?:[245]\.[0-9]{1,3}\.[0-9]{1,3} )?", RegexOptions.CultureInvariant)]
    private static partial Regex Continuation();

    private static readonly Dictionary<string, int> RuleIndex = CreateRuleIndex();

    /// <summary>The wording rule of each <see cref="FirstPass"/> reason, looked up once instead of per decision.</summary>
    private static readonly int[] FirstPassRules = CreateFirstPassRules();

    private static int[] CreateFirstPassRules()
    {
        var rules = new int[FirstPass.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i] = RuleIndex[FirstPass[i]];
        }

        return rules;
    }

    /// <summary>Reason → index in <see cref="TextRules"/>. A loop, not LINQ over tuples: those generic instantiations are in no
    /// precompiled image and had to be JIT-compiled on the first message's path.</summary>
    private static Dictionary<string, int> CreateRuleIndex()
    {
        var index = new Dictionary<string, int>(TextRules.Length, StringComparer.Ordinal);
        for (var i = 0; i < TextRules.Length; i++)
        {
            index.Add(TextRules[i].Reason, i);
        }

        return index;
    }

    /// <summary>The per-thread last context: all recipients of one message share it, so it is lowered and searched once.</summary>
    [ThreadStatic]
    private static ContextCache? lastContext;

    private sealed class ContextCache
    {
        public string? Source;
        public string Lower = "";
        public string? Command;
        public bool CommandKnown;

        /// <summary>The warning / final / temporary phrases found in the context, once searched (<see cref="PermanenceOfWording"/>).</summary>
        public string?[]? PermanenceHits;
    }

    /// <summary><paramref name="context"/> lowered and collapsed (once per context).</summary>
    private static string LowerContext(string context) => CacheFor(context).Lower;

    /// <summary>The SMTP command <paramref name="context"/> names (searched once per context).</summary>
    private static string? ContextCommand(string context)
    {
        var cache = CacheFor(context);
        if (!cache.CommandKnown)
        {
            cache.Command = SmtpCommand(cache.Lower);
            cache.CommandKnown = true;
        }

        return cache.Command;
    }

    private static ContextCache CacheFor(string context)
    {
        var cache = lastContext ??= new ContextCache();
        if (!ReferenceEquals(cache.Source, context))
        {
            cache.Source = context;
            cache.Lower = Lower(context) ?? "";
            cache.Command = null;
            cache.CommandKnown = false;
            cache.PermanenceHits = null;
        }

        return cache;
    }

    /// <summary>Which wording rules match one text: all rules found in one pass, on the first question.</summary>
    private sealed class RuleHits
    {
        /// <summary>The thread's two instances (the diagnostic's and the context's), reused by every decision.</summary>
        [ThreadStatic]
        private static RuleHits[]? pool;

        private string? lowerText;

        public string? Text => lowerText;

        private readonly string?[] found = new string?[TextRules.Length];
        private bool searched;

        /// <summary>The thread's instance number <paramref name="slot"/>, emptied and set to <paramref name="text"/>.</summary>
        public static RuleHits ForThread(int slot, string? text)
        {
            var hits = (pool ??= [new RuleHits(), new RuleHits()])[slot];
            hits.lowerText = text;
            hits.searched = false;
            return hits;
        }

        public string? Find(string reason) => RuleIndex.TryGetValue(reason, out var index) ? At(index) : null;

        public string? At(int index)
        {
            if (string.IsNullOrEmpty(lowerText))
            {
                return null;
            }

            if (!searched)
            {
                TextRuleIndex.FindFirst(lowerText, found);
                searched = true;
            }

            return found[index];
        }

        /// <summary>The first rule (in rule order) that matches, other than the two rules given, with its phrase.</summary>
        public (string Reason, string Phrase)? AnyExcept(int skip, int skipToo)
        {
            for (var i = 0; i < TextRules.Length; i++)
            {
                if (i != skip && i != skipToo && At(i) is { } phrase)
                {
                    return (TextRules[i].Reason, phrase);
                }
            }

            return null;
        }

        /// <summary>The first rule (in rule order) that matches, with its phrase.</summary>
        public (string Reason, string Phrase)? Any()
        {
            for (var i = 0; i < TextRules.Length; i++)
            {
                if (At(i) is { } phrase)
                {
                    return (TextRules[i].Reason, phrase);
                }
            }

            return null;
        }
    }

    /// <summary>
    /// RFC 3464 §2.3.6: the Diagnostic-Code is the remote server's actual reply, while a reporting MTA often puts only a
    /// generic x.y.0 code in Status (Amazon SES: "5.1.0 - Unknown address error 550-'5.2.2 ... Mailbox Full'"). A specific
    /// enhanced code inside the diagnostic is then the more precise status.
    /// </summary>
    private static string? RemoteStatus(string? status, string? diagnostic)
    {
        if (status is null || status.Length < 5 || !IsLooseCode(status.AsSpan(2)) || string.IsNullOrEmpty(diagnostic))
        {
            return status;
        }

        foreach (var m in StatusCodePattern().EnumerateMatches(diagnostic))
        {
            var code = diagnostic.AsSpan(m.Index, m.Length);
            if (code[0] == status[0] && !code.SequenceEqual(status) && !IsLooseCode(code[2..]))
            {
                return code.ToString();
            }
        }

        return status;
    }

    private static bool ContainsAny(string? text, string[] phrases)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var phrase in phrases)
        {
            if (text.Contains(phrase, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A reply code (or Exchange's "->" before the remote reply, whose code the continuation join removed), then ": user unknown" with no address in between.</summary>
    [GeneratedRegex(@"(?:\b[45][0-9][0-9]|->) ?: user unknown", RegexOptions.CultureInvariant)]
    private static partial Regex NamelessUserUnknown();

    /// <summary>A host name (dotted labels, no local part) followed by "does not exist".</summary>
    [GeneratedRegex(@"(?<![@\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,} does not exist", RegexOptions.CultureInvariant)]
    private static partial Regex HostDoesNotExist();

    private static ReasonDecision FromStatus(string status, string reason) =>
        new(reason, "status:" + status, $"enhanced status {status} (RFC 3463) means {reason}");

    /// <summary>Wording reasons too generic to override a specific status code.</summary>
    private static bool GenericWording(string reason) =>
        reason is "systemerror" or "expired" or "contenterror" or "syntaxerror" or "securityerror";

    /// <summary>Reply codes (RFC 5321 §4.2.3) that name a cause on their own.</summary>
    private static string? ReasonOfReply(int code) => code switch
    {
        421 => "systemerror",
        450 or 451 => "systemerror",
        452 => "mailboxfull",
        500 or 501 or 502 or 503 or 504 => "syntaxerror",
        550 => "onhold",
        551 => "hasmoved",
        552 => "mailboxfull",
        553 => "userunknown",
        554 => "onhold",
        556 => "notaccept",
        _ => null,
    };

    private static bool IsWhiteSpace(char c) => c < 128 ? c == ' ' || (c >= '\t' && c <= '\r') : char.IsWhiteSpace(c);

    /// <summary>Lower case with runs of whitespace collapsed, so wrapped diagnostics match phrases.</summary>
    public static string? Lower(string? text) => Collapse(text, lowerCase: true);

    /// <summary>
    /// <paramref name="text"/> with each run of whitespace made one space and the ends trimmed, in lower case when asked,
    /// cut to <paramref name="maxLength"/> characters after collapsing. One pass, one string (a regex Replace allocated
    /// per match).
    /// </summary>
    internal static string? Collapse(string? text, bool lowerCase, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // Collapsing only shortens the text: fill a buffer, then allocate the one string of the final length.
        char[]? rented = null;
        var span = text.Length <= 2048 ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        ref var source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text.AsSpan()));
        ref var target = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
        var j = 0;
        var i = 0;
        while (i < text.Length)
        {
            // Eight characters at a time where nothing changes but the case: printable ASCII whose spaces are single and
            // followed by printable ASCII (so no run of white space starts or ends inside), once something was written (a
            // leading space is dropped). Most of a bounce's text is such runs; the scalar steps below take the rest.
            if (Vector128.IsHardwareAccelerated && j > 0 && i + Vector128<ushort>.Count < text.Length)
            {
                var block = Vector128.LoadUnsafe(ref source, (nuint)i);
                var following = Vector128.LoadUnsafe(ref source, (nuint)(i + 1));
                var printable = Vector128.LessThanOrEqual(block - Vector128.Create((ushort)' '), Vector128.Create((ushort)('~' - ' ')));
                var followedByWord = Vector128.LessThanOrEqual(following - Vector128.Create((ushort)'!'), Vector128.Create((ushort)('~' - '!')));
                var loneSpaces = ~Vector128.Equals(block, Vector128.Create((ushort)' ')) | followedByWord;
                if ((printable & loneSpaces) == Vector128<ushort>.AllBitsSet)
                {
                    if (lowerCase)
                    {
                        var upper = Vector128.LessThanOrEqual(block - Vector128.Create((ushort)'A'), Vector128.Create((ushort)('Z' - 'A')));
                        block |= upper & Vector128.Create((ushort)0x20);
                    }

                    block.StoreUnsafe(ref target, (nuint)j);
                    i += Vector128<ushort>.Count;
                    j += Vector128<ushort>.Count;
                    continue;
                }
            }

            var c = text[i];

            // Printable ASCII other than the space (nearly all of a bounce) is tested inline: the framework's char
            // helpers are calls from precompiled code.
            if ((uint)(c - '!') <= '~' - '!')
            {
                span[j++] = lowerCase && (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c;
                i++;
                continue;
            }

            if (IsWhiteSpace(c))
            {
                // A run of white space is one space, and none at either end.
                do
                {
                    i++;
                }
                while (i < text.Length && IsWhiteSpace(text[i]));

                if (j > 0 && i < text.Length)
                {
                    span[j++] = ' ';
                }

                continue;
            }

            span[j++] = lowerCase && c >= 128 ? char.ToLowerInvariant(c) : c;
            i++;
        }

        j = Math.Min(j, maxLength);
        var result = j == 0 ? "" : new string(span[..j]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }
}
