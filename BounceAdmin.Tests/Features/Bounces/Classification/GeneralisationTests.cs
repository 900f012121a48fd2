using System.Text;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

/// <summary>
/// Issue 13: rules from references, not from dev messages. Each case is a small synthetic message or diagnostic written
/// from a documented format (qmail's QSBMF, Exim's bounce and delay-warning texts, Exchange's and Lotus Notes' NDRs,
/// Postfix's access(5) refusal, Microsoft's and Google's published codes, RFC 5321's reply texts).
/// </summary>
public class GeneralisationTests
{
    private static ClassifiedRecipient Single(string message)
    {
        var result = BounceClassifier.Classify(Encoding.UTF8.GetBytes(message.Replace("\n", "\r\n")));
        Assert.True(result.Succeeded, result.Error);
        return Assert.Single(result.Recipients);
    }

    private const string MailerDaemon = "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: {0}\nMessage-ID: <b1@mx.example.net>\n\n";

    // ------------------------------------------------------------------ permanence from wording

    [Theory]
    [InlineData("Hi. This is the qmail-send program at mx.example.net. This is a permanent error; I've given up. Sorry it didn't work out.", true)]
    [InlineData("a@example.org: retry timeout exceeded", true)]
    [InlineData("retry time not reached for any host after a long failure period", true)]
    [InlineData("The message will not be retried.", true)]
    [InlineData("Delivery to the following recipient failed permanently", true)]
    [InlineData("THIS IS A WARNING MESSAGE ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.", false)]
    [InlineData("Warning: could not send message for past 4 hours. Will keep trying until message is 5 days old", false)]
    [InlineData("A message that you sent has not yet been delivered to one or more of its recipients. Delivery attempts will continue for some time", false)]
    [InlineData("delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: Connection refused", false)]
    [InlineData("R=dnslookup T=remote_smtp: retry time not reached", false)]
    [InlineData("Delivery is delayed to these recipients or groups", false)]
    [InlineData("the mailbox of a@example.org", null)]
    [InlineData("", null)]
    public void Wording_tells_permanent_or_temporary(string text, bool? permanent)
    {
        Assert.Equal(permanent, ReasonRules.PermanenceOfWording(text));
    }

    [Fact]
    public void A_warning_in_the_bounce_text_outweighs_a_final_looking_diagnostic()
    {
        // A delay report quotes the reason it could not deliver "yet": the report is still only a warning.
        Assert.False(ReasonRules.PermanenceOfWording("550 could not be delivered", "THIS IS A WARNING MESSAGE ONLY"));
    }

    [Fact]
    public void Qmail_permanent_error_is_a_permanent_unknown_user_found_at_rcpt()
    {
        var r = Single(string.Format(MailerDaemon, "failure notice") +
            "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n" +
            "This is a permanent error; I've given up. Sorry it didn't work out.\n\n<a@example.org>:\n192.0.2.1 does not like recipient.\n" +
            "Remote host said: 550 sorry, no mailbox here by that name\nGiving up on 192.0.2.1.\n");

        Assert.Equal("a@example.org", r.Recipient);
        Assert.Equal("userunknown", r.Reason);
        Assert.True(r.Permanent);
        Assert.Equal(BounceTaxonomy.Invalid, r.Category);
    }

    [Fact]
    public void Exim_retry_timeout_is_a_permanent_expiry()
    {
        var r = Single(string.Format(MailerDaemon, "Mail delivery failed: returning message to sender") +
            "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\n" +
            "recipients. This is a permanent error. The following address(es) failed:\n\n  b@example.org\n    retry timeout exceeded\n");

        Assert.Equal("b@example.org", r.Recipient);
        Assert.Equal("expired", r.Reason);
        Assert.True(r.Permanent);
    }

    [Fact]
    public void Exim_delay_warning_is_temporary_and_never_changes_the_five_fields()
    {
        var r = Single(string.Format(MailerDaemon, "Warning: message 1abc-000 delayed 24 hours") +
            "This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\n" +
            "recipients after more than 24 hours on the queue on mx.example.net.\n\nThe address(es) that have not yet been delivered are:\n\n" +
            "  c@example.org\n    Delay reason: SMTP error from remote mail server after RCPT TO:<c@example.org>: 450 4.2.0 user unknown, try later\n\n" +
            "No action is required on your part. Delivery attempts will continue for\nsome time.\n");

        Assert.Equal("c@example.org", r.Recipient);
        Assert.False(r.Permanent);
        Assert.NotEqual(BounceTaxonomy.Invalid, r.Category);
        Assert.NotEqual(BounceTaxonomy.Block, r.Category);
    }

    // ------------------------------------------------------------------ old plain-text formats

    [Fact]
    public void Exchange_ndr_with_its_bracketed_code_finds_the_recipient_and_the_status()
    {
        var r = Single(string.Format(MailerDaemon, "Undeliverable: Hello") +
            "Your message did not reach some or all of the intended recipients.\n\n      Subject:\tHello\n      Sent:\t1/1/2010 10:00 AM\n\n" +
            "The following recipient(s) could not be reached:\n\n      d@example.org on 1/1/2010 10:00 AM\n" +
            "            The e-mail account does not exist at the organization this message was sent to.\n            <mx.example.org #5.1.1>\n");

        Assert.Equal("d@example.org", r.Recipient);
        Assert.Equal("userunknown", r.Reason);
        Assert.Equal(BounceTaxonomy.Invalid, r.Category);
    }

    [Fact]
    public void Lotus_notes_not_listed_in_the_directory_is_an_unknown_user()
    {
        var r = Single(string.Format(MailerDaemon, "DELIVERY FAILURE: User e (e@example.org) not listed in Domino Directory") +
            "Your message\n\n  Subject: Hello\n\nwas not delivered to:\n\n  e@example.org\n\nbecause:\n\n  User e (e@example.org) not listed in Domino Directory\n");

        Assert.Equal("e@example.org", r.Recipient);
        Assert.Equal("userunknown", r.Reason);
    }

    [Fact]
    public void Exims_own_router_failure_is_the_reporting_hosts_own_lookup()
    {
        // No "SMTP error from remote mail server": Exim's routers found no such local user.
        var r = Single(string.Format(MailerDaemon, "Mail delivery failed: returning message to sender") +
            "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\n" +
            "recipients. This is a permanent error. The following address(es) failed:\n\n  x2@example.org\n    unknown user\n");

        Assert.Equal("x2@example.org", r.Recipient);
        Assert.Equal("userunknown", r.Reason);
    }

    [Fact]
    public void Yahoos_rcpt_to_stage_tag_is_recipient_stage_evidence()
    {
        var r = Single(string.Format(MailerDaemon, "failure delivery") +
            "Message from  yahoo.com.\nUnable to deliver message to the following address(es).\n\n<x3@example.org>:\n" +
            "Remote host said: 550 <x3@example.org>: User unknown [RCPT_TO]\n\n--- Original message follows.\n");

        Assert.Equal("x3@example.org", r.Recipient);
        Assert.Equal("userunknown", r.Reason);
    }

    [Theory]
    // RFC 3834 §5: auto-generated, from a person, no delivery report: not a bounce.
    [InlineData("From: Desk <desk@example.org>\nTo: s@example.com\nSubject: Re: Hello\nAuto-Submitted: auto-generated\n\nYour ticket #123 was received.\n")]
    // An out-of-office text without the header field.
    [InlineData("From: Person <p@example.org>\nTo: s@example.com\nSubject: Re: Hello\n\nI am out of the office until Monday with limited access to email.\n")]
    [InlineData("From: Person <p@example.org>\nTo: s@example.com\nSubject: Hello\n\nThis is an automatic reply. I will respond when I return.\n")]
    public void Auto_replies_without_the_usual_marks_are_not_bounces(string message)
    {
        var r = Single(message);

        Assert.Equal("vacation", r.Reason);
        Assert.Null(r.Category);
        Assert.Null(r.Permanent);
    }

    [Fact]
    public void A_bounce_that_mentions_an_out_of_office_reply_is_still_a_bounce()
    {
        var r = Single(string.Format(MailerDaemon, "Undelivered Mail Returned to Sender") +
            "This is the mail system at host mx.example.net.\n\n<h@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 <h@example.org>: " +
            "Recipient address rejected: User unknown (in reply to RCPT TO command)\n\nI am out of the office\n");

        Assert.Equal("userunknown", r.Reason);
    }

    [Fact]
    public void A_read_receipt_is_not_a_bounce()
    {
        var r = Single("From: Person <p@example.org>\nTo: s@example.com\nSubject: Read: Hello\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nYour message was displayed.\n" +
            "--b\nContent-Type: message/disposition-notification\n\nReporting-UA: mua.example.org\nFinal-Recipient: rfc822; p@example.org\n" +
            "Disposition: manual-action/MDN-sent-manually; displayed\n\n--b--\n");

        Assert.Equal("delivered", r.Reason);
        Assert.Equal("mdn:disposition-notification", r.Rule);
    }

    // ------------------------------------------------------------------ Email Invalid only on evidence

    [Theory]
    // Block, spam or policy wording beside "unknown" wording: a filter, not a missing address.
    [InlineData("550 Unknown user or your IP 192.0.2.7 is listed at zen.spamhaus.org", "blocked")]
    [InlineData("554 Message rejected as spam: recipient unknown to the content filter", "spamdetected")]
    [InlineData("550 Host unknown: the sending host is on our blacklist", "blocked")]
    public void Block_wording_beside_unknown_wording_is_not_email_invalid(string diagnostic, string reason)
    {
        var decision = ReasonRules.Decide(ReasonRules.FindStatus(diagnostic), ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed");

        Assert.Equal(reason, decision.Reason);
        Assert.EndsWith("-over-unknown", decision.Rule, StringComparison.Ordinal);
        Assert.Equal(BounceTaxonomy.Block, BounceTaxonomy.CategoryOf(decision.Reason, true));
    }

    [Theory]
    // RFC 5321 §4.2.2: "mailbox unavailable" is the 550 text of any recipient refusal (not found, no access, policy).
    [InlineData(null, "550 Requested action not taken: mailbox unavailable", false)]
    [InlineData("5.7.1", "550 5.7.1 Requested action not taken: mailbox unavailable", false)]
    [InlineData(null, "550 Requested action not taken: mailbox unavailable (in reply to RCPT TO command)", true)]
    [InlineData("5.1.1", "550 5.1.1 Requested action not taken: mailbox unavailable", true)]
    public void The_generic_550_text_needs_an_addressing_status(string? status, string diagnostic, bool invalid)
    {
        var decision = ReasonRules.Decide(status, 550, diagnostic, "failed");

        Assert.Equal(invalid, BounceTaxonomy.CategoryOf(decision.Reason, true) == BounceTaxonomy.Invalid);
    }

    [Theory]
    // qmail-remote: "does not like recipient" is its report of a refused RCPT.
    [InlineData("192.0.2.1 does not like recipient. Remote host said: 550 5.1.1 <a@example.org>... User unknown Giving up on 192.0.2.1.")]
    // Postfix smtpd: the recipient tables are consulted at RCPT.
    [InlineData("550 5.1.1 <a@example.org>: Recipient address rejected: User unknown in local recipient table")]
    [InlineData("host mx.example.org said: 550 <a@example.org>: User unknown in virtual alias table")]
    // Google's documented 550 5.1.1 text.
    [InlineData("550-The email account that you tried to reach does not exist. Please try double-checking the recipient's email address")]
    public void Documented_recipient_stage_wordings_are_unknown_users(string diagnostic)
    {
        var decision = ReasonRules.Decide(null, ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed");

        Assert.Equal("userunknown", decision.Reason);
    }

    // ------------------------------------------------------------------ providers' own codes

    [Theory]
    [InlineData("5.4.316", "550 5.4.316 Message expired, connection refused(Socket error code 10061)", "expired")]
    [InlineData("4.4.316", "451 4.4.316 Connection refused [Message=Socket error code 10061]", "networkerror")]
    [InlineData("5.4.300", "550 5.4.300 Message expired", "expired")]
    [InlineData("5.4.310", "550 5.4.310 DNS domain example.invalid does not exist", "hostunknown")]
    [InlineData("5.7.606", "550 5.7.606 Access denied, banned sending IP [192.0.2.9]", "blocked")]
    [InlineData("5.7.649", "550 5.7.649 Access denied, banned sending IP [192.0.2.9]", "blocked")]
    [InlineData("5.7.509", "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification", "authfailure")]
    [InlineData("5.7.133", "550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required", "rejected")]
    [InlineData("5.2.122", "554 5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour", "speeding")]
    [InlineData("4.3.2", "432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded", "speeding")]
    public void Provider_codes_name_their_documented_reason(string status, string diagnostic, string reason)
    {
        var decision = ReasonRules.Decide(status, ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed");

        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    // RFC 3463 X.4.1 / X.4.2: permanent (class 5) = the sender retried until it gave up; class 4 = still a network problem.
    [InlineData("5.4.2", "lost connection with mx.example.org[192.0.2.1] while receiving the initial server greeting", "expired")]
    [InlineData("5.4.1", "connect to mx.example.org[192.0.2.1]:25: Connection refused", "expired")]
    [InlineData("4.4.2", "lost connection with mx.example.org[192.0.2.1] while receiving the initial server greeting", "networkerror")]
    public void Network_failures_after_the_retries_are_expired(string status, string diagnostic, string reason)
    {
        var decision = ReasonRules.Decide(status, null, diagnostic, status[0] == '5' ? "failed" : "delayed");

        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData("554 system error", "Your message was refused: the sending IP 192.0.2.1 is on the Spamhaus blocklist.", "blocked")]
    [InlineData("550 mailer error", "The recipient's mailbox is full and cannot accept messages now.", "mailboxfull")]
    [InlineData("554 system error", "Please contact the postmaster.", "systemerror")]
    public void Generic_diagnostic_wording_yields_to_a_specific_cause_in_the_bounce_text(string diagnostic, string context, string reason)
    {
        var decision = ReasonRules.Decide("5.0.0", ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed", context);

        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void An_x_unix_diagnostic_with_a_full_mailbox_is_mailboxfull()
    {
        const string message =
            "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Returned mail: see transcript for details\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThe original message was received.\n\n" +
            "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: RFC822; f@example.net\nAction: failed\nStatus: 5.2.2\n" +
            "Diagnostic-Code: X-Unix; 552 mailbox is full: quota exceeded\n\n--b--\n";
        var r = Single(message);

        Assert.Equal("mailboxfull", r.Reason);
        Assert.Equal(BounceTaxonomy.Temporary, r.Category);
    }

    [Fact]
    public void An_x_unix_diagnostic_that_names_no_cause_stays_a_mailer_error()
    {
        const string message =
            "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Returned mail: see transcript for details\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThe original message was received.\n\n" +
            "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: RFC822; g@example.net\nAction: failed\nStatus: 5.0.0\n" +
            "Diagnostic-Code: X-Unix; exit status 75\n\n--b--\n";
        var r = Single(message);

        Assert.Equal("mailererror", r.Reason);
        Assert.Equal("dsn:x-unix", r.Rule);
    }
}
