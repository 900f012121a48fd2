using System.Text;
using BounceAdmin.Features.Bounces.Classification;
using MimeKit;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

/// <summary>
/// The classifier's own parser keeps returned messages as bytes (<see cref="ReturnedMessagePart"/>) and reads them only as
/// far as needed; the results must be exactly those of a message MimeKit parsed whole.
/// </summary>
public sealed class ReturnedMessagePartTests
{
    private static ClassificationResult Whole(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var parser = new MimeParser(BounceClassifier.ParserOptions, stream, MimeFormat.Entity);
        using var message = parser.ParseMessage();
        return BounceClassifier.Classify(message);
    }

    private static void AssertSame(ClassificationResult expected, ClassificationResult actual, string name)
    {
        Assert.True(expected.Error == actual.Error, $"{name}: error {expected.Error} / {actual.Error}");
        Assert.True(expected.Recipients.SequenceEqual(actual.Recipients), $"{name}: recipients differ");
        Assert.Equal(expected.BounceMessageId, actual.BounceMessageId);
        Assert.Equal(expected.BounceDate, actual.BounceDate);
    }

    [Fact]
    public void Every_dev_corpus_message_classifies_as_when_parsed_whole()
    {
        var files = Directory.GetFiles(CorpusAccuracyTests.CorpusDirectory(), "*.eml");
        Assert.NotEmpty(files);
        var withReturnedMessage = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.AsSpan().StartsWith("From "u8))
            {
                continue; // mbox files: the classifier reads them with its own parser only
            }

            withReturnedMessage += Encoding.Latin1.GetString(bytes).Contains("message/rfc822", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            AssertSame(Whole(bytes), BounceClassifier.Classify(bytes), Path.GetFileName(file));
        }

        Assert.True(withReturnedMessage > 50, $"only {withReturnedMessage} messages return the original: the comparison proves little");
    }

    private const string Report = """
        From: MAILER-DAEMON@mx.example.org
        To: sender@example.com
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <bounce-1@mx.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="outer"

        --outer
        Content-Type: text/plain

        The mail system could not deliver your message to <user@example.net>.

        --outer
        Content-Type: message/rfc822

        {0}
        --outer--

        """;

    public static TheoryData<string, string> Returned => new()
    {
        // folded To, a To after many headers, our send id, an odd first line, no empty line, an empty part, 8-bit text
        { "folded", "Received: from a\n by b; Mon, 2 Mar 2026 10:00:00 +0000\nTo: \"User,\n Name\" <user@example.net>\nFrom: Sender <sender@example.com>\nMessage-ID: <orig-1@example.com>\nX-BounceAdmin-Send: 4711\nSubject: hi\n\nbody\n" },
        { "two-to", "To: a@example.net\nDKIM-Signature: v=1;\n\tb=abc\nTo: b@example.net\nmessage-id: <orig-2@example.com>\n\nbody\n" },
        { "not-a-header-first", "this is no header\nTo: user@example.net\n\nbody\n" },
        { "bad-line-inside", "To: user@example.net\nReceived from nowhere\nFrom: sender@example.com\n\nbody\n" },
        { "spaced-name", "To : user@example.net\nFrom: sender@example.com\n\nbody\n" },
        { "headers-only", "To: user@example.net\nFrom: sender@example.com\nMessage-ID: <orig-3@example.com>" },
        { "empty", "" },
        { "forwarded-report", "From: MAILER-DAEMON@relay.example\nTo: sender@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"inner\"\n\n--inner\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example\n\nFinal-Recipient: rfc822; user@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n\n--inner--\n" },
        { "complaint-marker", "X-HmXmrOriginalRecipient: user@example.net\nTo: user@example.net\n\nbody\n" },
        { "crlf", "To: user@example.net\r\nFrom: sender@example.com\r\nMessage-ID: <orig-4@example.com>\r\n\r\nbody\r\n" },
        // Read from the fields alone where they are plain; through MimeKit's message object where they are not.
        { "bad-address-among-good", "To: <broken@, user@example.net\nFrom: sender@example.com\nMessage-ID: <orig-5@example.com>\n\nbody\n" },
        { "group-and-two-from", "To: undisclosed-recipients:;\nFrom: undisclosed:;\nFrom: Sender <sender@example.com>\n\nbody\n" },
        { "commented-id", "To: user@example.net\nMessage-ID: (a comment) <orig-6@example.com>\n\nbody\n" },
        { "empty-to", "To:\nFrom: sender@example.com\nMessage-ID: <orig-7@example.com>\n\nbody\n" },
        { "two-content-types", "To: user@example.net\nContent-Type: text/plain\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\n\nbody\n" },
        { "broken-content-type", "To: user@example.net\nContent-Type: ;;;\n\nbody\n" },
        { "encoded-name", "To: =?utf-8?q?J=C3=BCrgen?= <juergen@example.net>\nFrom: sender@example.com\n\nbody\n" },
    };

    private static MimeMessage Parse(byte[] bytes, ParserOptions options)
    {
        using var stream = new MemoryStream(bytes);
        return new MimeParser(options, stream, MimeFormat.Entity).ParseMessage();
    }

    [Theory]
    [MemberData(nameof(Returned))]
    public void A_returned_message_reads_as_when_parsed_whole(string name, string returned)
    {
        var bytes = Encoding.UTF8.GetBytes(Report.Replace("{0}", returned));
        AssertSame(Whole(bytes), BounceClassifier.Classify(bytes), name);

        // What the classifier reads of the returned message, field by field.
        using var whole = Parse(bytes, BounceClassifier.ParserOptions);
        using var lazy = Parse(bytes, BounceClassifier.LazyReturnedOptions);
        Assert.IsType<ReturnedMessagePart>(Assert.IsType<MultipartReport>(lazy.Body)[1]);
        var expected = MessageParts.Collect(whole, 24);
        var actual = MessageParts.Collect(lazy, 24);
        var (e, a) = (OriginalHeaders.Read(expected), OriginalHeaders.Read(actual));
        Assert.Equal((e.MessageId, e.To, e.From, e.SendId), (a.MessageId, a.To, a.From, a.SendId));
        Assert.Equal(expected.Original is null, actual.Original is null && actual.OriginalPart is null);
        Assert.Equal(expected.OriginalFields?.Contains("X-HmXmrOriginalRecipient"), actual.OriginalFields?.Contains("X-HmXmrOriginalRecipient"));
        Assert.Equal(expected.DeliveryStatus.Count, actual.DeliveryStatus.Count);
        Assert.Equal(expected.Text, actual.Text);
    }

    public static TheoryData<string, string> Bounces => new()
    {
        {
            "trace-fields-first",
            "Received: from mx.example.org\n\tby relay; Mon, 2 Mar 2026 10:00:00 +0000\nDKIM-Signature: v=1; a=rsa-sha256;\n b=xyz\nSubject: Undelivered\n Mail\nFrom: MAILER-DAEMON@mx.example.org\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nMessage-ID: <b-1@mx.example.org>\nX-Failed-Recipients: user@example.net\n\nThis message was created automatically by mail delivery software.\n\n  user@example.net\n    550 5.1.1 user unknown\n"
        },
        {
            "odd-line",
            "Received: from a\nFrom: MAILER-DAEMON@mx.example.org\nnot a header line\nSubject: failure notice\n\n<user@example.net>: 552 mailbox full\n"
        },
        { "no-read-field", "Received: from a\nX-Whatever: 1\n\n<user@example.net>: 550 no such user\n" },
        {
            "auto-reply",
            "X-Mailer: x\nAuto-Submitted: auto-replied\nFrom: someone@example.net\nSubject: Out of office\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nI am away=2E\n"
        },
    };

    [Theory]
    [MemberData(nameof(Bounces))]
    public void A_bounce_reads_as_when_parsed_whole(string name, string bounce)
    {
        var bytes = Encoding.UTF8.GetBytes(bounce);
        AssertSame(Whole(bytes), BounceClassifier.Classify(bytes), name);
    }

    [Fact]
    public void Only_whole_header_fields_are_left_out()
    {
        var block = "Received: from a\n by b\nTo: user@example.net\nX-Mailer: x\n\tfolded\nMessage-Id: <m@example.com>\n\nbody\n"u8;
        using var written = new MemoryStream();
        Assert.True(ReturnedMessagePart.WriteReadHeaders(block, written));
        Assert.Equal("To: user@example.net\nMessage-Id: <m@example.com>\n\n", Encoding.ASCII.GetString(written.ToArray()));

        var odd = "Received: from a\nTo: user@example.net\nnot a header\nX-Mailer: x\n\nbody\n"u8;
        using var kept = new MemoryStream();
        Assert.False(ReturnedMessagePart.WriteReadHeaders(odd, kept));
        Assert.Equal("To: user@example.net\nnot a header\nX-Mailer: x\n\n", Encoding.ASCII.GetString(kept.ToArray()));
    }
}
