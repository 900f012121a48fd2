using System.Text;
using BounceAdmin.Features.Bounces.Classification;
using MimeKit;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

/// <summary>The classifier reads plain ASCII header values itself; they must be exactly MimeKit's decoded values.</summary>
public class DecodedValueTests
{
    private static IEnumerable<Header> AllHeaders(MimeMessage message)
    {
        foreach (var header in message.Headers)
        {
            yield return header;
        }

        foreach (var entity in message.BodyParts.Concat(message.Body is null ? [] : [message.Body]))
        {
            foreach (var header in entity.Headers)
            {
                yield return header;
            }

            if (entity is MessageDeliveryStatus dsn)
            {
                foreach (var group in dsn.StatusGroups)
                {
                    foreach (var header in group)
                    {
                        yield return header;
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_header_of_the_dev_corpus_reads_as_MimeKit_decodes_it()
    {
        var plain = 0;
        foreach (var file in Directory.GetFiles(CorpusAccuracyTests.CorpusDirectory(), "*.eml"))
        {
            using var stream = File.OpenRead(file);
            MimeMessage message;
            try
            {
                message = new MimeParser(BounceClassifier.ParserOptions, stream, MimeFormat.Entity).ParseMessage();
            }
            catch (FormatException)
            {
                continue;
            }

            using (message)
            {
                foreach (var header in AllHeaders(message))
                {
                    Assert.Equal(header.Value, BounceClassifier.DecodedValue(header));
                    plain += Ascii.IsValid(header.RawValue) ? 1 : 0;
                }
            }
        }

        Assert.True(plain > 5000, $"only {plain} plain ASCII header values were compared");
    }

    [Theory]
    [InlineData("Diagnostic-Code: smtp; 550 5.1.1 <user@example.net>:\r\n    Recipient address rejected: User unknown\r\n")]
    [InlineData("Diagnostic-Code:   \t  \r\n")]
    [InlineData("Status: 5.1.1   \r\n")]
    [InlineData("Subject: \t folded\r\n\tover\r\n  three lines \r\n")]
    [InlineData("Subject: =?utf-8?q?J=C3=BCrgen?= and more\r\n")]
    [InlineData("Subject: text with =? but no word\r\n")]
    [InlineData("Subject: caf\u00e9 in 8 bits\r\n")]
    [InlineData("Subject: a\u000bvertical tab and a\u0001control\r\n")]
    public void Folded_encoded_and_8bit_values_read_as_MimeKit_decodes_them(string field)
    {
        var bytes = Encoding.UTF8.GetBytes(field + "From: a@example.net\r\n\r\nbody\r\n");
        using var stream = new MemoryStream(bytes);
        var headers = new MimeParser(BounceClassifier.ParserOptions, stream, MimeFormat.Entity).ParseHeaders();

        Assert.Equal(headers[0].Value, BounceClassifier.DecodedValue(headers[0]));
    }
}
