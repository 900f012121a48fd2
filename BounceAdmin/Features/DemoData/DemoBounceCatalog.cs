using System.Globalization;

namespace BounceAdmin.Features.DemoData;

/// <summary>One realistic bounce wording for a reason, with the classifier rule that would have matched it.</summary>
/// <param name="Template">The diagnostic text; {rcpt}, {domain}, {ip} and {mx} are filled in per bounce.</param>
internal sealed record DemoBounceSample(string Reason, int ReplyCode, string? Status, string Template, string Rule, string RuleExplanation)
{
    public string Render(string recipient, string domain, string ip, string mx) => Template
        .Replace("{rcpt}", recipient, StringComparison.Ordinal)
        .Replace("{domain}", domain, StringComparison.Ordinal)
        .Replace("{ip}", ip, StringComparison.Ordinal)
        .Replace("{mx}", mx, StringComparison.Ordinal);
}

/// <summary>
/// The wordings the demo data uses, modelled on what the big mailbox providers and common MTAs (Postfix, Exchange,
/// Gmail, Yahoo) really answer, so the Bounces page and its explanations look like production data.
/// </summary>
internal static class DemoBounceCatalog
{
    /// <summary>The sending IP the demo "our MTA" uses in block messages (a documentation address, RFC 5737).</summary>
    public const string SendingIp = "192.0.2.25";

    private static DemoBounceSample S(string reason, int reply, string? status, string template, string rule, string explanation)
        => new(reason, reply, status, template, rule, explanation);

    private static string ByStatus(string status, string reason)
        => string.Create(CultureInfo.InvariantCulture, $"The enhanced status code {status} is mapped to {reason}.");

    private static string ByText(string words, string reason)
        => string.Create(CultureInfo.InvariantCulture, $"The diagnostic contains \"{words}\", which is mapped to {reason}.");

    public static readonly IReadOnlyDictionary<string, DemoBounceSample[]> Samples = new Dictionary<string, DemoBounceSample[]>(StringComparer.Ordinal)
    {
        // Category 2: the address does not exist.
        ["userunknown"] =
        [
            S("userunknown", 550, "5.1.1", "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
                "status:5.1.1", ByStatus("5.1.1", "userunknown")),
            S("userunknown", 550, "5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser",
                "status:5.1.1", ByStatus("5.1.1", "userunknown")),
            S("userunknown", 550, "5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable",
                "text:mailbox unavailable", ByText("mailbox unavailable", "userunknown")),
            S("userunknown", 550, "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {rcpt} not found by SMTP address lookup",
                "text:recipientnotfound", ByText("RecipientNotFound", "userunknown")),
            S("userunknown", 554, "5.0.0", "554 delivery error: dd This user doesn't have a {domain} account ({rcpt}) [0] - {mx}",
                "text:doesn't have a account", ByText("doesn't have a ... account", "userunknown")),
        ],
        ["hostunknown"] =
        [
            S("hostunknown", 550, "5.1.2", "Host or domain name not found. Name service error for name={domain} type=MX: Host not found",
                "text:host not found", ByText("Host not found", "hostunknown")),
            S("hostunknown", 550, "5.4.4", "550 5.4.4 Unable to route: no MX or A record for domain {domain}",
                "status:5.4.4+permanent", "A permanent 5.4.4 (unable to route) with no MX record is mapped to hostunknown."),
        ],
        ["hasmoved"] =
        [
            S("hasmoved", 551, "5.1.6", "551 5.1.6 User has moved; the mailbox {rcpt} is no longer in use, no forwarding address",
                "status:5.1.6", ByStatus("5.1.6", "hasmoved")),
        ],
        ["suppressed"] =
        [
            S("suppressed", 550, "5.1.1", "Amazon SES did not send the message to {rcpt} because the address is on the account-level suppression list",
                "text:suppression list", ByText("suppression list", "suppressed")),
        ],
        ["notaccept"] =
        [
            S("notaccept", 556, "5.1.10", "556 5.1.10 Recipient address has null MX ({domain} does not accept email)",
                "text:null mx", ByText("null MX", "notaccept")),
        ],

        // Category 1: we, or the message, were blocked.
        ["blocked"] =
        [
            S("blocked", 554, "5.7.1", "554 5.7.1 Service unavailable; client host [{ip}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/{ip}",
                "text:blocked using", ByText("blocked using", "blocked")),
            S("blocked", 550, "5.7.1", "550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
                "text:block list", ByText("block list", "blocked")),
            S("blocked", 553, "5.7.1", "553 5.7.1 [BL21] Connections will not be accepted from {ip}, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html",
                "text:connections will not be accepted", ByText("Connections will not be accepted", "blocked")),
        ],
        ["spamdetected"] =
        [
            S("spamdetected", 550, "5.7.1", "550-5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.",
                "text:likely unsolicited mail", ByText("likely unsolicited mail", "spamdetected")),
            S("spamdetected", 554, "5.7.1", "554 5.7.1 Message rejected as spam by Content Filtering (score 9.8 > 5.0)",
                "text:rejected as spam", ByText("rejected as spam", "spamdetected")),
        ],
        ["policyviolation"] =
        [
            S("policyviolation", 550, "5.7.1", "550 5.7.1 Message rejected due to local policy of {domain}; contact postmaster@{domain}",
                "text:local policy", ByText("local policy", "policyviolation")),
        ],
        ["badreputation"] =
        [
            S("badreputation", 550, "5.7.1", "550-5.7.1 This message was rejected because of the sending IP's poor reputation. To best protect our users from spam, the message has been blocked.",
                "text:poor reputation", ByText("poor reputation", "badreputation")),
        ],
        ["authfailure"] =
        [
            S("authfailure", 550, "5.7.26", "550-5.7.26 Unauthenticated email from news.bounceadmin.example is not accepted due to domain's DMARC policy. Please contact the administrator of news.bounceadmin.example domain.",
                "status:5.7.26", ByStatus("5.7.26", "authfailure")),
        ],
        ["requireptr"] =
        [
            S("requireptr", 550, "5.7.25", "550-5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.",
                "status:5.7.25", ByStatus("5.7.25", "requireptr")),
        ],
        ["contenterror"] =
        [
            S("contenterror", 554, "5.6.0", "554 5.6.0 Message contains invalid header or content that is not permitted by {domain}",
                "text:content not permitted", ByText("content that is not permitted", "contenterror")),
        ],
        ["filtered"] =
        [
            S("filtered", 550, "5.7.1", "550 5.7.1 <{rcpt}>: Recipient address rejected: The recipient has chosen to block mail from this sender",
                "text:chosen to block", ByText("chosen to block", "filtered")),
        ],

        // Category 3: temporary.
        ["mailboxfull"] =
        [
            S("mailboxfull", 552, "5.2.2", "552 5.2.2 Mailbox full", "status:5.2.2", ByStatus("5.2.2", "mailboxfull")),
            S("mailboxfull", 452, "4.2.2", "452-4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp",
                "status:4.2.2", ByStatus("4.2.2", "mailboxfull")),
            S("mailboxfull", 554, "5.2.2", "554 5.2.2 mailbox full; {rcpt} has exceeded its storage allocation",
                "status:5.2.2", ByStatus("5.2.2", "mailboxfull")),
        ],
        ["toomanyconn"] =
        [
            S("toomanyconn", 421, "4.7.0", "421 4.7.0 Try again later, closing connection. (EHLO)",
                "text:try again later", ByText("Try again later", "toomanyconn")),
            S("toomanyconn", 421, "4.3.2", "421 4.3.2 Too many concurrent SMTP connections from {ip}; please try again later",
                "text:too many concurrent", ByText("Too many concurrent", "toomanyconn")),
        ],
        ["speeding"] =
        [
            S("speeding", 421, "4.7.0", "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
                "text:temporarily deferred", ByText("temporarily deferred", "speeding")),
            S("speeding", 450, "4.7.28", "450-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.",
                "status:4.7.28", ByStatus("4.7.28", "speeding")),
        ],
        ["expired"] =
        [
            S("expired", 421, "4.4.7", "Delivery to the following recipient has been delayed and was given up after 72 hours: {rcpt} (last error: 421 4.4.1 Connection timed out)",
                "status:4.4.7", ByStatus("4.4.7", "expired")),
        ],
        ["exceedlimit"] =
        [
            S("exceedlimit", 552, "5.2.3", "552 5.2.3 Message exceeds the recipient's maximum message size", "status:5.2.3", ByStatus("5.2.3", "exceedlimit")),
        ],
        ["suspend"] =
        [
            S("suspend", 550, "5.2.1", "550 5.2.1 The email account that you tried to reach is disabled", "status:5.2.1", ByStatus("5.2.1", "suspend")),
        ],
        ["systemfull"] =
        [
            S("systemfull", 452, "4.3.1", "452 4.3.1 Insufficient system storage", "status:4.3.1", ByStatus("4.3.1", "systemfull")),
        ],

        // Category 4: technical.
        ["networkerror"] =
        [
            S("networkerror", 451, "4.4.1", "connect to {mx}[203.0.113.17]:25: Connection timed out", "text:connection timed out", ByText("Connection timed out", "networkerror")),
            S("networkerror", 451, "4.4.3", "451 4.4.3 Temporary DNS lookup failure for {domain}", "status:4.4.3", ByStatus("4.4.3", "networkerror")),
        ],
        ["systemerror"] =
        [
            S("systemerror", 451, "4.3.0", "451 4.3.0 Mail server temporarily rejected message: local error in processing", "text:local error in processing", ByText("local error in processing", "systemerror")),
        ],
        ["mailererror"] =
        [
            S("mailererror", 451, "4.3.0", "451 4.3.0 Error: queue file write error", "text:queue file write error", ByText("queue file write error", "mailererror")),
        ],
        ["norelaying"] =
        [
            S("norelaying", 454, "4.7.1", "454 4.7.1 <{rcpt}>: Relay access denied", "text:relay access denied", ByText("Relay access denied", "norelaying")),
        ],
        ["failedstarttls"] =
        [
            S("failedstarttls", 454, "4.7.0", "454 4.7.0 TLS not available due to local problem", "text:tls not available", ByText("TLS not available", "failedstarttls")),
        ],

        // Category 9: undecidable.
        ["undefined"] =
        [
            S("undefined", 550, null, "Delivery has failed to these recipients or groups: {rcpt}. The message could not be delivered.", "fallback:undefined", "No rule matched the diagnostic; the bounce is kept as undefined (category 9)."),
        ],
        ["onhold"] =
        [
            S("onhold", 451, null, "Message delivery is on hold: the receiving server did not give a reason", "fallback:onhold", "The report says delivery is on hold without a reason; kept as onhold (category 9)."),
        ],

        // Not bounces.
        ["vacation"] =
        [
            S("vacation", 250, null, "Auto-Reply: I am out of the office until Monday with limited access to email.", "header:auto-submitted", "The message carries Auto-Submitted: auto-replied, so it is an auto-reply, not a bounce."),
        ],
        ["delivered"] =
        [
            S("delivered", 250, "2.0.0", "250 2.0.0 OK: queued as 4Xk9Lm2Qz1", "dsn:action-delivered", "The report's Action is delivered: a success notification, not a bounce."),
        ],
        ["feedback"] =
        [
            S("feedback", 250, null, "Feedback-Type: abuse; User-Agent: Yahoo!-Mail-Feedback/2.0", "report:feedback-report", "An ARF feedback report (complaint), not a bounce."),
        ],
    };

    /// <summary>A user-unknown reply with spam-filter wording: the kind the rules flag as a suspected false positive.</summary>
    public static readonly DemoBounceSample SuspiciousUserUnknown = S("userunknown", 550, "5.1.1",
        "550 5.1.1 <{rcpt}>: Recipient address rejected: user unknown or mail refused by spam policy of {domain}",
        "status:5.1.1", ByStatus("5.1.1", "userunknown"));
}
