using System.IO.Compression;
using System.Text;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>Bounce messages for the source tests: an RFC 3464 report for one recipient, and a zip of several.</summary>
public static class SourceTestMessages
{
    public static byte[] Dsn(string recipient, string id) => Encoding.UTF8.GetBytes($"""
        From: MAILER-DAEMON@mx.sender.example
        To: bounces@sender.example
        Subject: Undelivered Mail Returned to Sender
        Date: Fri, 20 Nov 2026 10:00:00 +0000
        Message-ID: <report-{id}@mx.sender.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Your message could not be delivered.

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.example

        Final-Recipient: rfc822; {recipient}
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx.receiver.example
        Diagnostic-Code: smtp; 550 5.1.1 User unknown

        --B--
        """.Replace("\n", "\r\n"));

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
