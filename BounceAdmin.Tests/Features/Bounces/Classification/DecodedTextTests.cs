using System.Text;
using BounceAdmin.Features.Bounces.Classification;
using MimeKit;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

/// <summary>The classifier's one-step text decoding must give exactly MimeKit's <see cref="TextPart.Text"/>.</summary>
public sealed class DecodedTextTests
{
    private static TextPart Part(string contentHeaders, byte[] body)
    {
        var head = Encoding.ASCII.GetBytes("From: a@example.com\r\nMIME-Version: 1.0\r\n" + contentHeaders + "\r\n\r\n");
        using var stream = new MemoryStream([.. head, .. body]);
        var message = MimeMessage.Load(stream);
        return Assert.IsAssignableFrom<TextPart>(message.Body);
    }

    public static TheoryData<string, byte[]> Cases => new()
    {
        { "Content-Type: text/plain; charset=us-ascii", "line one\r\nline two\r\n"u8.ToArray() },
        { "Content-Type: text/plain", "lone\rcr, cr-cr-lf\r\r\nand a final cr\r"u8.ToArray() },
        { "Content-Type: text/plain", "two final crs\r\r"u8.ToArray() },
        { "Content-Type: text/plain", "valid utf-8 without charset: caf\u00e9\r\n"u8.ToArray() },
        { "Content-Type: text/plain", [.. "invalid utf-8 without charset: caf"u8, 0xE9, .. "\r\n"u8] },
        { "Content-Type: text/plain; charset=utf-8", [.. "invalid utf-8 with charset: caf"u8, 0xE9, 0xFF, .. "\r\n"u8] },
        { "Content-Type: text/plain; charset=iso-8859-1", [.. "latin-1: caf"u8, 0xE9, 0x80, .. "\r\n"u8] },
        { "Content-Type: text/plain; charset=windows-1252", [.. "cp1252: "u8, 0x93, .. "quoted"u8, 0x94, .. "\r\n"u8] },
        { "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable", "soft=\r\nbreak and caf=C3=A9 =0D=0A\r\n"u8.ToArray() },
        { "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64", Encoding.ASCII.GetBytes(Convert.ToBase64String("emoji \U0001F600 and a pair\r\n"u8.ToArray()) + "\r\n") },
        { "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64", Encoding.ASCII.GetBytes(Convert.ToBase64String([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("utf-16 with bom\r\n")]) + "\r\n") },
        { "Content-Type: text/plain; charset=utf-16\r\nContent-Transfer-Encoding: base64", Encoding.ASCII.GetBytes(Convert.ToBase64String([.. Encoding.Unicode.GetBytes("lone surrogate "), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("!")]) + "\r\n") },
        { "Content-Type: text/html; charset=utf-8", "<p>html&nbsp;text</p>\r\n"u8.ToArray() },
        { "Content-Type: text/plain; charset=shift_jis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0x0D, 0x0A] },
        { "Content-Type: text/plain", []},
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_exactly_MimeKits_text(string contentHeaders, byte[] body)
    {
        var part = Part(contentHeaders, body);
        string expected;
        try
        {
            expected = part.Text;
        }
        catch (Exception ex)
        {
            // Where MimeKit throws, the one-step decoding must throw the same kind (the classifier then reads Latin-1).
            Assert.Throws(ex.GetType(), () => MessageParts.DecodedText(part));
            return;
        }

        Assert.Equal(expected, MessageParts.DecodedText(part));
    }
}
