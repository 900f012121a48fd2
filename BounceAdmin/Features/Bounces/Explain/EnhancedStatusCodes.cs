using System.Globalization;
using System.Text.RegularExpressions;

namespace BounceAdmin.Features.Bounces.Explain;

/// <summary>An enhanced mail system status code (RFC 3463, e.g. 5.1.1) decoded into words.</summary>
/// <param name="Code">The code as read, e.g. <c>5.1.1</c>.</param>
/// <param name="ClassText">What the first digit means: success, temporary or permanent failure.</param>
/// <param name="SubjectText">What the second number is about: addressing, mailbox, mail system, network, protocol, content, security.</param>
/// <param name="DetailText">The well-known meaning of the whole code, or null when the registry table here does not know it.</param>
public sealed record EnhancedStatus(string Code, int Class, int Subject, int Detail, string ClassText, string SubjectText, string? DetailText)
{
    /// <summary>One line for the UI, e.g. "5.1.1 — Permanent failure; addressing: bad destination mailbox address".</summary>
    public string Summary => $"{Code} — {ClassText}; {SubjectText}" + (DetailText is null ? "" : $": {DetailText}");
}

/// <summary>
/// Decodes enhanced status codes (RFC 3463 and the IANA registry additions of RFC 3886, 4468, 4865, 4954, 5248, 6710,
/// 7293, 7372, 7505, 8098) and SMTP reply codes (RFC 5321), so an explanation can say what a bounce's numbers mean.
/// </summary>
public static partial class EnhancedStatusCodes
{
    private static readonly Dictionary<int, string> Classes = new()
    {
        [2] = "Success",
        [4] = "Persistent transient failure (temporary: the sender may retry)",
        [5] = "Permanent failure (retrying the same message will not help)",
    };

    private static readonly Dictionary<int, string> Subjects = new()
    {
        [0] = "other or undefined status",
        [1] = "addressing",
        [2] = "mailbox",
        [3] = "mail system",
        [4] = "network and routing",
        [5] = "mail delivery protocol",
        [6] = "message content or media",
        [7] = "security or policy",
    };

    /// <summary>The well-known subject.detail codes; the same meaning applies for classes 2, 4 and 5.</summary>
    private static readonly Dictionary<(int Subject, int Detail), string> Details = new()
    {
        [(0, 0)] = "other undefined status",
        [(1, 0)] = "other address status",
        [(1, 1)] = "bad destination mailbox address (the mailbox does not exist)",
        [(1, 2)] = "bad destination system address (the domain or host does not exist)",
        [(1, 3)] = "bad destination mailbox address syntax",
        [(1, 4)] = "destination mailbox address ambiguous",
        [(1, 5)] = "destination address valid",
        [(1, 6)] = "destination mailbox has moved, no forwarding address",
        [(1, 7)] = "bad sender's mailbox address syntax",
        [(1, 8)] = "bad sender's system address",
        [(1, 10)] = "recipient address has null MX (the domain accepts no email)",
        [(2, 0)] = "other or undefined mailbox status",
        [(2, 1)] = "mailbox disabled, not accepting messages",
        [(2, 2)] = "mailbox full",
        [(2, 3)] = "message length exceeds administrative limit",
        [(2, 4)] = "mailing list expansion problem",
        [(3, 0)] = "other or undefined mail system status",
        [(3, 1)] = "mail system full",
        [(3, 2)] = "system not accepting network messages",
        [(3, 3)] = "system not capable of selected features",
        [(3, 4)] = "message too big for system",
        [(3, 5)] = "system incorrectly configured",
        [(4, 0)] = "other or undefined network or routing status",
        [(4, 1)] = "no answer from host",
        [(4, 2)] = "bad connection",
        [(4, 3)] = "directory server failure (e.g. DNS)",
        [(4, 4)] = "unable to route",
        [(4, 5)] = "mail system congestion",
        [(4, 6)] = "routing loop detected",
        [(4, 7)] = "delivery time expired",
        [(5, 0)] = "other or undefined protocol status",
        [(5, 1)] = "invalid command",
        [(5, 2)] = "syntax error",
        [(5, 3)] = "too many recipients",
        [(5, 4)] = "invalid command arguments",
        [(5, 5)] = "wrong protocol version",
        [(6, 0)] = "other or undefined media error",
        [(6, 1)] = "media not supported",
        [(6, 2)] = "conversion required and prohibited",
        [(6, 3)] = "conversion required but not supported",
        [(6, 4)] = "conversion with loss performed",
        [(6, 5)] = "conversion failed",
        [(7, 0)] = "other or undefined security status (often a policy or rate-limit refusal)",
        [(7, 1)] = "delivery not authorized, message refused",
        [(7, 2)] = "mailing list expansion prohibited",
        [(7, 3)] = "security conversion required but not possible",
        [(7, 4)] = "security features not supported",
        [(7, 5)] = "cryptographic failure",
        [(7, 6)] = "cryptographic algorithm not supported",
        [(7, 7)] = "message integrity failure",
        [(7, 8)] = "authentication credentials invalid",
        [(7, 9)] = "authentication mechanism is too weak",
        [(7, 13)] = "user account disabled",
        [(7, 20)] = "no passing DKIM signature found",
        [(7, 23)] = "SPF validation failed",
        [(7, 25)] = "reverse DNS validation failed",
        [(7, 26)] = "multiple authentication checks failed (SPF/DKIM/DMARC)",
        [(7, 27)] = "sender address has null MX",
    };

    private static readonly Dictionary<int, string> ReplyCodes = new()
    {
        [250] = "requested action completed",
        [421] = "service not available, closing the connection (temporary)",
        [450] = "mailbox unavailable, e.g. busy or temporarily blocked (temporary)",
        [451] = "local error in processing (temporary)",
        [452] = "insufficient system storage (temporary)",
        [454] = "TLS or relay temporarily unavailable (temporary)",
        [550] = "mailbox unavailable or refused (permanent)",
        [551] = "user not local (permanent)",
        [552] = "exceeded storage allocation (permanent)",
        [553] = "mailbox name not allowed (permanent)",
        [554] = "transaction failed (permanent)",
        [556] = "domain does not accept mail (permanent)",
    };

    [GeneratedRegex(@"^\s*([245])\.(\d{1,3})\.(\d{1,3})\s*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")]
    private static partial Regex CodeInText();

    /// <summary>Decodes a code like <c>5.1.1</c>; null when it is not an enhanced status code.</summary>
    public static EnhancedStatus? Decode(string? code)
    {
        if (code is null)
        {
            return null;
        }

        var m = CodePattern().Match(code);
        if (!m.Success)
        {
            return null;
        }

        var cls = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var subject = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var detail = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        var subjectText = Subjects.TryGetValue(subject, out var s) ? s : "unknown subject";
        return new EnhancedStatus($"{cls}.{subject}.{detail}", cls, subject, detail, Classes[cls], subjectText,
            Details.TryGetValue((subject, detail), out var d) ? d : null);
    }

    /// <summary>The first enhanced status code written in a diagnostic text, e.g. "550 5.1.1 User unknown" → 5.1.1.</summary>
    public static string? FindIn(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var m = CodeInText().Match(text);
        return m.Success ? m.Value : null;
    }

    /// <summary>The meaning of an SMTP reply code, e.g. 550 → "mailbox unavailable or refused (permanent)".</summary>
    public static string? DescribeReplyCode(int? code)
    {
        if (code is not { } c)
        {
            return null;
        }

        if (ReplyCodes.TryGetValue(c, out var text))
        {
            return text;
        }

        return (c / 100) switch
        {
            2 => "success",
            4 => "temporary failure",
            5 => "permanent failure",
            _ => null,
        };
    }
}
