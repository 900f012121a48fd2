using System.Text;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public class BounceClassifierTests
{
    private const string Dsn = """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: sender@example.com
        Subject: Undelivered Mail Returned to Sender
        Date: Wed, 16 Oct 2013 14:15:40 +0900
        Message-ID: <bounce-1@mx.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        I'm sorry to have to inform you that your message could not be delivered.

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; Alice@Example.org
        Original-Recipient: rfc822; alice@example.org
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx.example.org
        Diagnostic-Code: smtp; 550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown
        Last-Attempt-Date: Wed, 16 Oct 2013 14:15:35 +0900

        Final-Recipient: rfc822; bob@example.org
        Action: delayed
        Status: 4.2.2
        Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

        --B
        Content-Type: text/rfc822-headers

        From: sender@example.com
        To: alice@example.org
        Subject: Hello
        Message-ID: <orig-1@example.com>
        X-BounceAdmin-Send: 4711

        --B--
        """;

    private static ClassificationResult Classify(string text) => BounceClassifier.Classify(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));

    [Theory]
    [InlineData("windows-1252", new byte[] { 0x92 }, "\u2019")]
    [InlineData("iso-8859-15", new byte[] { 0xA4 }, "\u20AC")]
    [InlineData("shift_jis", new byte[] { 0x82, 0xA0 }, "\u3042")]
    public void Decodes_text_in_code_page_charsets(string charset, byte[] encoded, string expected)
    {
        var head = "From: MAILER-DAEMON@mx.example.net\nTo: s@example.com\nSubject: failure notice\nMIME-Version: 1.0\n"
            + $"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n"
            + "<a@example.org>:\n550 5.1.1 the address wasn";
        byte[] bytes = [.. Encoding.ASCII.GetBytes(head), .. encoded, .. Encoding.ASCII.GetBytes("t found\n")];

        var recipient = Assert.Single(BounceClassifier.Classify(bytes).Recipients);

        Assert.Contains("the address wasn" + expected + "t found", recipient.Diagnostic);
    }

    [Fact]
    public void Mbox_file_with_two_reports_gives_the_recipients_of_both()
    {
        var second = Dsn.Replace("alice@example.org", "carol@example.org", StringComparison.OrdinalIgnoreCase)
            .Replace("Alice@Example.org", "carol@example.org", StringComparison.Ordinal);
        var mbox = "From MAILER-DAEMON  Wed Oct 16 14:15:40 2013\n" + Dsn + "\n\nFrom MAILER-DAEMON  Wed Oct 16 14:16:40 2013\n" + second + "\n";

        var result = Classify(mbox);

        Assert.True(result.Succeeded);
        Assert.Equal(["alice@example.org", "bob@example.org", "carol@example.org", "bob@example.org"], result.Recipients.Select(r => r.Recipient));
        Assert.Equal("bounce-1@mx.example.net", result.BounceMessageId);
    }

    [Fact]
    public void Reads_every_recipient_of_an_rfc3464_report()
    {
        var result = Classify(Dsn);

        Assert.Null(result.Error);
        Assert.Equal("bounce-1@mx.example.net", result.BounceMessageId);
        Assert.Equal(new DateTime(2013, 10, 16, 5, 15, 40, DateTimeKind.Utc), result.BounceDate);
        Assert.Equal(2, result.Recipients.Count);
        var alice = result.Recipients[0];
        Assert.Equal("alice@example.org", alice.Recipient);
        Assert.Equal("userunknown", alice.Reason);
        Assert.Equal(BounceTaxonomy.Invalid, alice.Category);
        Assert.Equal(BounceKind.Hard, alice.Kind);
        Assert.Equal("5.1.1", alice.Status);
        Assert.Equal(550, alice.ReplyCode);
        Assert.Equal("mx.example.org", alice.RemoteMta);
        Assert.Equal(new DateTime(2013, 10, 16, 5, 15, 35, DateTimeKind.Utc), alice.LastAttempt);
        Assert.Equal(DateTimeKind.Utc, alice.LastAttempt!.Value.Kind);
        Assert.Equal("orig-1@example.com", alice.OriginalMessageId);
        Assert.Equal(4711, alice.SendId);
        Assert.False(string.IsNullOrEmpty(alice.Rule));
        Assert.False(string.IsNullOrEmpty(alice.RuleExplanation));

        var bob = result.Recipients[1];
        Assert.Equal("bob@example.org", bob.Recipient);
        Assert.Equal("mailboxfull", bob.Reason);
        Assert.Equal(BounceKind.Soft, bob.Kind);
        Assert.Equal("delayed", bob.Action);
    }

    [Fact]
    public void Success_dsn_is_delivered_not_a_bounce()
    {
        var result = Classify(Dsn.Replace("Action: failed", "Action: delivered").Replace("Status: 5.1.1", "Status: 2.0.0"));

        Assert.Equal("delivered", result.Recipients[0].Reason);
        Assert.Null(result.Recipients[0].Category);
        Assert.Equal(BounceKind.None, result.Recipients[0].Kind);
    }

    [Fact]
    public void Auto_reply_is_vacation()
    {
        var result = Classify("""
            From: alice@example.org
            To: sender@example.com
            Subject: Out of office
            Auto-Submitted: auto-replied

            I am away until Monday.
            """);

        Assert.Equal("vacation", Assert.Single(result.Recipients).Reason);
        Assert.Equal(BounceKind.None, result.Recipients[0].Kind);
    }

    [Fact]
    public void Exim_bounce_marked_auto_replied_is_still_a_bounce()
    {
        var result = Classify("""
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>
            To: sender@example.com
            Subject: Mail delivery failed: returning message to sender
            Auto-Submitted: auto-replied
            X-Failed-Recipients: carol@example.org

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              carol@example.org
                SMTP error from remote mail server after RCPT TO:<carol@example.org>:
                550 5.1.1 No such user here
            """);

        var r = Assert.Single(result.Recipients);
        Assert.Equal("carol@example.org", r.Recipient);
        Assert.Equal("userunknown", r.Reason);
    }

    [Fact]
    public void Qmail_bounce_is_read_from_its_wording()
    {
        var result = Classify("""
            From: MAILER-DAEMON@mx.example.net
            To: sender@example.com
            Subject: failure notice

            Hi. This is the qmail-send program at mx.example.net.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <dave@example.org>:
            Sorry, I couldn't find any host named example.org. (#5.1.2)

            --- Below this line is a copy of the message.

            Message-ID: <orig-2@example.com>
            To: dave@example.org
            X-BounceAdmin-Send: 99
            """);

        var r = Assert.Single(result.Recipients);
        Assert.Equal("dave@example.org", r.Recipient);
        Assert.Equal("hostunknown", r.Reason);
        Assert.Equal("orig-2@example.com", r.OriginalMessageId);
        Assert.Equal(99, r.SendId);
    }

    [Fact]
    public void Arf_report_is_feedback()
    {
        var result = Classify("""
            From: feedback@isp.example
            To: abuse@example.com
            Subject: FW: report
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="F"

            --F
            Content-Type: text/plain

            This is an email abuse report.

            --F
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: Test/1.0
            Version: 1
            Original-Rcpt-To: <erin@example.org>

            --F--
            """);

        var r = Assert.Single(result.Recipients);
        Assert.Equal("feedback", r.Reason);
        Assert.Equal("erin@example.org", r.Recipient);
        Assert.Null(r.Category);
    }

    // ---- hostile input: never throws, names the problem

    [Fact]
    public void Empty_file_is_an_error()
    {
        var result = BounceClassifier.Classify(ReadOnlyMemory<byte>.Empty);

        Assert.False(result.Succeeded);
        Assert.Contains("empty", result.Error);
    }

    [Fact]
    public void Truncated_mime_does_not_throw()
    {
        var truncated = Dsn[..(Dsn.IndexOf("Action: failed", StringComparison.Ordinal) + 10)];

        var result = Classify(truncated);

        // Cut in the middle of the delivery-status part: what is there is still read.
        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(result.Recipients, r => r.Recipient == "alice@example.org");
    }

    [Fact]
    public void Unknown_charset_and_eight_bit_junk_do_not_throw()
    {
        var head = Encoding.ASCII.GetBytes("From: MAILER-DAEMON@x.example\nSubject: Undelivered\nContent-Type: text/plain; charset=x-no-such-charset\nContent-Transfer-Encoding: 8bit\n\n<frank@example.org>: 550 user unknown ");
        var junk = Enumerable.Range(0, 5000).Select(i => (byte)(128 + (i * 37 % 128))).ToArray();

        var result = BounceClassifier.Classify(head.Concat(junk).ToArray());

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(result.Recipients, r => r.Recipient == "frank@example.org");
    }

    [Fact]
    public void Pure_binary_junk_is_an_error_or_an_undecided_result()
    {
        var junk = Enumerable.Range(0, 10000).Select(i => (byte)(i * 131 % 256)).ToArray();

        var result = BounceClassifier.Classify(junk);

        Assert.True(!result.Succeeded || result.Recipients.All(r => BounceTaxonomy.CategoryOf(r.Reason, r.Status, r.ReplyCode) is null or BounceTaxonomy.Unknown));
    }

    [Fact]
    public void Huge_header_does_not_throw()
    {
        var huge = "X-Huge: " + new string('a', 2_000_000) + "\n" + Dsn;

        var result = Classify(huge);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("alice@example.org", result.Recipients[0].Recipient);
    }

    [Fact]
    public void Deeply_nested_parts_are_an_error()
    {
        var sb = new StringBuilder("From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
        for (var i = 0; i < 200; i++)
        {
            sb.Append($"--b{i}\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\n\n");
        }

        sb.Append("--b200\nContent-Type: text/plain\n\nhello\n");

        var result = Classify(sb.ToString());

        Assert.False(result.Succeeded);
        Assert.Contains("nested", result.Error);
    }

    [Fact]
    public void Twenty_megabyte_attachment_is_classified()
    {
        var body = new StringBuilder(Dsn[..Dsn.LastIndexOf("--B--", StringComparison.Ordinal)]);
        body.Append("--B\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n");
        var line = new string('A', 76) + "\n";
        for (var i = 0; i < 20 * 1024 * 1024 / 77; i++)
        {
            body.Append(line);
        }

        body.Append("--B--\n");

        var result = Classify(body.ToString());

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("userunknown", result.Recipients[0].Reason);
    }
}
