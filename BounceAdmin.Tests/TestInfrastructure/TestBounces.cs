using System.Text;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>Bounce messages for tests that need a real one to ingest: an RFC 3464 report for one recipient.</summary>
public static class TestBounces
{
    /// <summary>
    /// A delivery status notification (CRLF line ends, as on the wire) for <paramref name="recipient"/>, returning the
    /// original's headers with Message-ID <c>send-{id}@sender.example</c>; <paramref name="id"/> also makes the report's own
    /// Message-ID, so two ids give two distinct messages.
    /// </summary>
    public static byte[] Dsn(string recipient, string status = "5.1.1", string diagnostic = "smtp; 550 5.1.1 User unknown", string id = "1")
        => Encoding.UTF8.GetBytes($"""
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
            Status: {status}
            Remote-MTA: dns; mx.receiver.example
            Diagnostic-Code: {diagnostic}

            --B
            Content-Type: text/rfc822-headers

            Message-ID: <send-{id}@sender.example>
            To: {recipient}
            Subject: Hello

            --B--
            """.Replace("\n", "\r\n"));
}
