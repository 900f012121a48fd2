using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public class ReasonRulesTests
{
    [Theory]
    [InlineData("5.1.1", "userunknown")]
    [InlineData("5.1.2", "hostunknown")]
    [InlineData("5.1.6", "hasmoved")]
    [InlineData("5.1.8", "rejected")]
    [InlineData("5.1.10", "notaccept")]
    [InlineData("5.2.2", "mailboxfull")]
    [InlineData("4.2.2", "mailboxfull")]
    [InlineData("5.2.3", "exceedlimit")]
    [InlineData("5.3.4", "mesgtoobig")]
    [InlineData("4.4.7", "expired")]
    [InlineData("5.6.0", "contenterror")]
    [InlineData("5.7.13", "suspend")]
    [InlineData("5.7.25", "requireptr")]
    [InlineData("5.7.26", "authfailure")]
    [InlineData("2.0.0", "delivered")]
    public void Status_code_alone_names_its_reason(string status, string reason)
    {
        var decision = ReasonRules.Decide(status, null, null, "failed");

        Assert.Equal(reason, decision.Reason);
        Assert.StartsWith("status:", decision.Rule);
    }

    [Theory]
    [InlineData("5.0.0")]
    [InlineData("4.0.0")]
    public void Generic_status_without_wording_is_undecided(string status)
    {
        var decision = ReasonRules.Decide(status, null, "", status.StartsWith('5') ? "failed" : null);

        Assert.Contains(decision.Reason, new[] { "onhold", "undefined" });
        Assert.Equal(BounceTaxonomy.Unknown, BounceTaxonomy.CategoryOf(decision.Reason));
    }

    [Theory]
    [InlineData("452 4.2.2 Mailbox full", "mailboxfull")]
    [InlineData("550 Message size exceeds fixed maximum message size", "mesgtoobig")]
    [InlineData("554 Relay access denied", "norelaying")]
    [InlineData("550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked")]
    [InlineData("550 Message rejected as spam by Content Filtering", "spamdetected")]
    [InlineData("550 5.7.1 Unauthenticated email from example.org is not accepted due to domain's DMARC policy", "authfailure")]
    [InlineData("550 Client host rejected: cannot find your reverse hostname", "requireptr")]
    [InlineData("421 Too many concurrent SMTP connections from this IP address", "toomanyconn")]
    [InlineData("452 4.5.3 Too many recipients", "toomanyconn")]
    [InlineData("552 Too many recipients", "toomanyconn")]
    [InlineData("552 Message length exceeds administrative limit", "exceedlimit")]
    [InlineData("421 Bad connection, closing transmission channel", "networkerror")]
    [InlineData("550 Host or domain name not found. Name service error", "hostunknown")]
    [InlineData("550 5.2.1 The email account that you tried to reach is disabled", "suspend")]
    [InlineData("Delivery time expired, giving up", "expired")]
    [InlineData("550 Virus found in the message", "virusdetected")]
    [InlineData("550 Your IP has a poor reputation", "badreputation")]
    public void Wording_names_the_reason(string diagnostic, string reason)
    {
        var decision = ReasonRules.Decide(ReasonRules.FindStatus(diagnostic), ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed");

        Assert.Equal(reason, decision.Reason);
        Assert.False(string.IsNullOrWhiteSpace(decision.Explanation));
    }

    [Theory]
    [InlineData("host mx.example.org said: 550 5.1.1 <a@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)", "userunknown")]
    [InlineData("SMTP error from remote mail server after RCPT TO:<a@example.org>: 550 No such user", "userunknown")]
    [InlineData("SMTP error from remote mail server after end of data: 550 No such user here", "filtered")]
    public void User_unknown_wording_depends_on_the_smtp_stage(string diagnostic, string reason)
    {
        var decision = ReasonRules.Decide(null, 550, diagnostic, "failed");

        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData("kijitora@example.org on 1/1/2010 The recipient name is not recognized MSEXCH:IMS:EX:SITE:SRV 0 (000C05A6) Unknown Recipient")]
    [InlineData("Invalid final delivery userid: a@example.org Original message follows.")]
    [InlineData("Your message wasn't delivered to a@example.org because the address couldn't be found.")]
    [InlineData("554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] - mta1.mail.yahoo.com")]
    public void Directory_lookup_wording_is_user_unknown_without_a_stage(string diagnostic)
    {
        // The same wording from a content filter ("No such user" after end of data) stays 'filtered' (test above).
        var decision = ReasonRules.Decide(ReasonRules.FindStatus(diagnostic), ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed");

        Assert.Equal("userunknown", decision.Reason);
    }

    [Theory]
    [InlineData(null, "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints", "badreputation")]
    [InlineData("5.1.0", "550 5.1.0 <a@example.net> sender rejected. AUP#CDRBL", "blocked")]
    [InlineData("5.2.0", "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]", "spamdetected")]
    [InlineData("5.4.4", "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", "notaccept")]
    [InlineData(null, "SMTP error from remote mail server after end of data: 553 mx.example.com does not exist", "hostunknown")]
    [InlineData(null, "There was an error delivering your mail. DNS lookup failure: host example.org not found", "hostunknown")]
    [InlineData("5.1.0", "5.1.0 - Unknown address error 550-'5.2.2 <a@example.jp>... Rejected' (delivery attempts: 0)", "mailboxfull")]
    [InlineData("5.1.351", "550 5.1.351 Remote server returned unknown recipient or mailbox unavailable -> 550 : User unknown", "filtered")]
    [InlineData(null, "550 : User unknown", "filtered")]
    [InlineData(null, "Delivery to the following recipients was aborted after 5.0 hour(s): * a@example.org", "expired")]
    // Postfix access(5): REJECT answers "554 5.7.1 <a>: Recipient address rejected: Access denied": a policy refusal, not a missing address.
    [InlineData("5.7.1", "SMTP error from remote mail server after RCPT TO:<a@example.org>: 554 5.7.1 <a@example.org>: Recipient address rejected: Access denied", "rejected")]
    // Microsoft Exchange Online: 550 5.4.1 "Recipient address rejected: Access denied" is Directory-Based Edge Blocking of an address the tenant does not have.
    [InlineData("5.4.1", "550 5.4.1 [a@example.com]: Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors", "userunknown")]
    public void Provider_codes_and_structure_name_the_reason(string? status, string diagnostic, string reason)
    {
        var decision = ReasonRules.Decide(status ?? ReasonRules.FindStatus(diagnostic), ReasonRules.FindReplyCode(diagnostic), diagnostic, "failed");

        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void Sender_refusal_status_beats_generic_does_not_exist_wording()
    {
        var decision = ReasonRules.Decide("5.1.8", 553, "553 5.1.8 Domain of sender address root@example.net does not exist", "failed");

        Assert.Equal("rejected", decision.Reason);
    }

    [Theory]
    [InlineData("delivered")]
    [InlineData("relayed")]
    [InlineData("expanded")]
    public void Success_actions_are_not_bounces(string action)
    {
        var decision = ReasonRules.Decide("2.0.0", 250, "250 OK", action);

        Assert.Equal("delivered", decision.Reason);
        Assert.Null(BounceTaxonomy.CategoryOf(decision.Reason));
    }

    [Theory]
    [InlineData("Diagnostic-Code: smtp; 550 5.1.1 user unknown", "5.1.1")]
    [InlineData("said: 452 4.2.2 over quota", "4.2.2")]
    [InlineData("host 192.0.2.1 said nothing", null)]
    public void Finds_enhanced_status_codes(string text, string? status)
    {
        Assert.Equal(status, ReasonRules.FindStatus(text));
    }

    [Theory]
    [InlineData("remote host said: 550 5.1.1 unknown", 550)]
    [InlineData("421-4.7.0 try later", 421)]
    [InlineData("connect to 192.0.2.45 port 25 failed", null)]
    public void Finds_reply_codes(string text, int? code)
    {
        Assert.Equal(code, ReasonRules.FindReplyCode(text));
    }
}
