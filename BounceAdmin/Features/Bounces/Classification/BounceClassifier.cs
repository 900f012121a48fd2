using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using BounceAdmin.Data.Entities;
using MimeKit;
using MimeKit.Utils;

namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>
/// Classifies bounce messages: RFC 3464 delivery status notifications, the non-standard bounces of real MTAs and
/// mailbox providers, RFC 5965 complaint reports and RFC 3834 auto-replies. Pure: no database, no services, thread-safe.
/// Never throws for bad input: an unreadable message gives a result with <see cref="ClassificationResult.Error"/>.
/// </summary>
public static partial class BounceClassifier
{
    /// <summary>
    /// Makes the code-page encodings (windows-1252, ISO-2022-JP, Shift_JIS, GB2312, EUC-KR, ...) available, as soon as
    /// this assembly is loaded and so before MimeKit builds its charset table. Without them MimeKit reads such text as
    /// ISO-8859-1 (a windows-1252 right quote became U+0092), and whether they were there depended on whether some other
    /// library of the process had registered them first: the same message could be decoded two ways.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "An application assembly; the registration must precede any use of MimeKit, whoever uses it first.")]
    internal static void RegisterCodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Name of the header our sends carry with the send id; reports that return the headers give it back.</summary>
    public const string SendIdHeader = "X-BounceAdmin-Send";

    /// <summary>Only this much of the bounce's own text is read for wording; real explanations are short.</summary>
    private const int MaxTextChars = 64 * 1024;

    /// <summary>Deeper nesting than this is hostile, not a bounce; it also keeps MimeKit's recursive parser off the stack limit.</summary>
    private const int MaxDepth = 24;

    /// <summary>Parser options shared by all calls (MimeKit treats them as read-only during parsing).</summary>
    public static readonly ParserOptions ParserOptions = CreateParserOptions();

    /// <summary>
    /// The options of the classifier's own parser: as <see cref="ParserOptions"/>, but a returned message (message/rfc822,
    /// text/rfc822-headers) is kept as bytes (<see cref="ReturnedMessagePart"/>) and parsed only as far as it is read.
    /// </summary>
    internal static readonly ParserOptions LazyReturnedOptions = CreateLazyReturnedOptions();

    private static ParserOptions CreateLazyReturnedOptions()
    {
        var options = CreateParserOptions();
        options.RegisterMimeType("message/rfc822", typeof(ReturnedMessagePart));
        options.RegisterMimeType("text/rfc822-headers", typeof(ReturnedMessagePart));
        return options;
    }

    private static ParserOptions CreateParserOptions()
    {
        var options = ParserOptions.Default.Clone();
        // The parser may go deeper than we accept, so over-deep input is detected and named instead of silently flattened.
        options.MaxMimeDepth = MaxDepth * 4;
        return options;
    }

    /// <summary>Classifies the message in <paramref name="bytes"/> (one RFC 5322 message).</summary>
    public static ClassificationResult Classify(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ClassificationResult.Failed("empty message: the file has no bytes");
        }

        if (ReadHeadersOnly(bytes.Span) is { } filtered)
        {
            using var stream = new MemoryStream(filtered.GetBuffer(), 0, (int)filtered.Length, writable: false);
            return Classify(stream);
        }

        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is not null)
        {
            using var stream = new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false);
            return Classify(stream);
        }

        using var copy = new MemoryStream(bytes.ToArray(), writable: false);
        return Classify(copy);
    }

    /// <summary>
    /// The header fields of the bounce itself that the classifier reads (Content-* fields are kept too: they type the
    /// body). MimeKit parses every field into objects; a bounce's trace fields (Received, DKIM, ARC, ...) are most of them.
    /// </summary>
    private static readonly string[] BounceHeaders =
    [
        "From", "To", "Cc", "Subject", "Date", "Message-ID", "Return-Path", "X-Failed-Recipients", "Auto-Submitted", "X-Autoreply",
        "X-Autorespond", "X-Autoresponder", "Precedence", "X-Apple-Unsubscribe", "MIME-Version",
    ];

    [ThreadStatic]
    private static MemoryStream? threadFiltered;

    /// <summary>
    /// The message with only the header fields the classifier reads (<see cref="ReturnedMessagePart.WriteHeaders"/>:
    /// only whole fields are left out, the rest of the message follows as it is), in the thread's buffer (valid until
    /// the next call); null for an mbox file or when no field would be left (the header count is read).
    /// </summary>
    private static MemoryStream? ReadHeadersOnly(ReadOnlySpan<byte> bytes)
    {
        if (StartsWithMboxSeparator(bytes))
        {
            return null;
        }

        var filtered = threadFiltered ??= new MemoryStream();
        filtered.SetLength(0);
        ReturnedMessagePart.WriteHeaders(bytes, filtered, BounceHeaders, contentHeaders: true, out var kept, out var blockEnd);
        if (kept == 0)
        {
            return null;
        }

        filtered.Write(bytes[blockEnd..]);
        if (filtered.Capacity > 1 << 20)
        {
            threadFiltered = null; // a huge message: not kept for the next one
        }

        return filtered;
    }

    /// <summary>Classifies the one message read from <paramref name="stream"/>.</summary>
    public static ClassificationResult Classify(Stream stream)
    {
        MimeMessage message;
        try
        {
            if (stream.CanSeek && stream.Length - stream.Position == 0)
            {
                return ClassificationResult.Failed("empty message: the file has no bytes");
            }

            if (StartsWithMboxSeparator(stream))
            {
                return ClassifyMbox(stream);
            }

            message = ParserFor(stream, MimeFormat.Entity).ParseMessage();
        }
        catch (Exception ex) when (ex is FormatException or ParseException or IOException or InvalidOperationException or ArgumentException)
        {
            return ClassificationResult.Failed("not a readable MIME message: " + ex.Message);
        }
        finally
        {
            // The parsed message holds copies of its content; the reused parser must not keep the caller's bytes alive
            // (in the web app a pool thread would otherwise pin the last upload until it parses another).
            threadParser?.SetStream(Stream.Null, MimeFormat.Entity, persistent: false);
        }

        // The message is ours: disposing it releases its entities now instead of through MimeKit's finalizers (which
        // otherwise cost a finalizer-thread pass per entity for every message classified).
        using (message)
        {
            return Classify(message);
        }
    }

    /// <summary>The calling thread's parser: reused across messages (SetStream resets it), its buffers are allocated once.</summary>
    [ThreadStatic]
    private static MimeParser? threadParser;

    private static MimeParser ParserFor(Stream stream, MimeFormat format)
    {
        if (threadParser is { } parser)
        {
            parser.SetStream(stream, format, persistent: false);
            return parser;
        }

        return threadParser = new MimeParser(LazyReturnedOptions, stream, format, persistent: false);
    }

    /// <summary>Most messages one mbox-format input may hold; more is not a bounce file.</summary>
    private const int MaxMboxMessages = 256;

    /// <summary>True when a seekable stream starts with an mbox "From " separator line (RFC 4155); the position is kept.</summary>
    private static bool StartsWithMboxSeparator(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[5];
        var start = stream.Position;
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return StartsWithMboxSeparator(head[..read]);
    }

    /// <summary>True when the bytes start with an mbox "From " separator line (RFC 4155).</summary>
    public static bool StartsWithMboxSeparator(ReadOnlySpan<byte> head) => head.StartsWith("From "u8);

    /// <summary>
    /// A file that starts with an mbox "From " line may hold several messages (mail spools saved as one file, such as
    /// consecutive delivery reports): all of them are classified and their recipients listed in order.
    /// </summary>
    private static ClassificationResult ClassifyMbox(Stream stream)
    {
        var parser = ParserFor(stream, MimeFormat.Mbox);
        ClassificationResult? first = null;
        List<ClassifiedRecipient>? all = null;
        for (var count = 0; !parser.IsEndOfStream && count < MaxMboxMessages; count++)
        {
            ClassificationResult result;
            using (var message = parser.ParseMessage())
            {
                result = Classify(message);
            }

            if (first is null)
            {
                first = result;
                if (result.Error is not null)
                {
                    return result;
                }

                continue;
            }

            if (result.Error is null && result.Recipients.Count > 0)
            {
                all ??= [.. first.Recipients];
                all.AddRange(result.Recipients);
            }
        }

        return first is null ? ClassificationResult.Failed("empty mbox: no message after the separator line")
            : all is null ? first : first with { Recipients = all };
    }

    /// <summary>Classifies an already parsed message.</summary>
    public static ClassificationResult Classify(MimeMessage message)
    {
        try
        {
            var result = ClassifyCore(message);
            return result.Error is not null ? result : result with
            {
                BounceMessageId = OriginalHeaders.MessageIdOf(message),
                BounceDate = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date.UtcDateTime : null,
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Hostile structure (bad charsets, broken encodings) must never escape as an exception.
            return ClassificationResult.Failed($"could not classify the message: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static ClassificationResult ClassifyCore(MimeMessage message)
    {
        var parts = MessageParts.Collect(message, MaxDepth);
        if (parts.TooDeep)
        {
            return ClassificationResult.Failed($"MIME structure nested deeper than {MaxDepth} levels");
        }

        if (message.Headers.Count == 0 && parts.Text.Length == 0)
        {
            return ClassificationResult.Failed("no message headers and no text: not an email message");
        }

        var original = OriginalHeaders.Read(parts);

        if (parts.Feedback is not null || IsReportType(message, "feedback-report") || IsOtherComplaint(message, parts))
        {
            return Feedback(parts, original);
        }

        if (parts.DeliveryStatus.Count == 0 && IsAutoReply(message, parts))
        {
            return Single(null, "vacation", "vacation:auto-reply", "an automatic reply (RFC 3834 Auto-Submitted or auto-reply headers/subject), not a bounce",
                null, null, null, null, null, original);
        }

        if (parts.DeliveryStatus.Count == 0 && IsReportType(message, "disposition-notification"))
        {
            // RFC 8098 message disposition notification (a read receipt): the message reached the recipient; not a bounce.
            return Single(null, "delivered", "mdn:disposition-notification",
                "a message disposition notification (RFC 8098 read receipt): the message was delivered, not a bounce", null, null, null, null, null, original);
        }

        var recipients = new List<ClassifiedRecipient>();
        var failed = FailedRecipientsHeader(message);
        foreach (var status in parts.DeliveryStatus)
        {
            AddDsnRecipients(status, parts, original, failed, recipients);
        }

        if (recipients.Count == 0)
        {
            AddTextRecipients(message, parts, original, recipients);
        }

        return new ClassificationResult(null, ApplyGroupRefusals(recipients));
    }

    /// <summary>
    /// A bounce for a Google Groups address (…@googlegroups.com) whose cause is not otherwise known means the group
    /// refused the post (not a member, no permission): the sender was refused, the address is fine.
    /// </summary>
    private static List<ClassifiedRecipient> ApplyGroupRefusals(List<ClassifiedRecipient> recipients)
    {
        for (var i = 0; i < recipients.Count; i++)
        {
            var r = recipients[i];
            // An addressing status (x.1.x) still means what it says: the group address itself does not exist.
            if (r.Recipient?.EndsWith("@googlegroups.com", StringComparison.Ordinal) == true && r.Status is not [_, '.', '1', ..]
                && (r.Reason is "undefined" or "onhold" or "filtered" || (r.Reason == "userunknown" && r.Rule.StartsWith("text:", StringComparison.Ordinal))))
            {
                var category = BounceTaxonomy.CategoryOf("rejected", r.Permanent);
                recipients[i] = r with
                {
                    Reason = "rejected", Category = category, Kind = BounceTaxonomy.KindOf(category, "rejected"), Rule = "rhost:google-groups",
                    RuleExplanation = "Google Groups refused the post (sender not allowed to post to the group)",
                };
            }
        }

        return recipients;
    }

    private static bool IsReportType(MimeMessage message, string reportType) =>
        message.Body?.ContentType is { } type && type.IsMimeType("multipart", "report")
        && string.Equals(type.Parameters["report-type"], reportType, StringComparison.OrdinalIgnoreCase);

    private static ClassificationResult Feedback(MessageParts parts, OriginalHeaders original)
    {
        var list = new List<ClassifiedRecipient>();
        if (parts.Feedback is { } report)
        {
            foreach (var header in report.Fields)
            {
                if (header.Field.Equals("Original-Rcpt-To", StringComparison.OrdinalIgnoreCase)
                    || header.Field.Equals("Removal-Recipient", StringComparison.OrdinalIgnoreCase))
                {
                    var address = Addresses.Clean(header.Value);
                    if (address is not null && !list.Any(r => r.Recipient == address))
                    {
                        list.Add(Make(address, "feedback", "feedback:arf", "a complaint (RFC 5965 feedback report), not a bounce",
                            null, null, null, null, null, null, original));
                    }
                }
            }
        }

        if (list.Count == 0)
        {
            list.Add(Make(null, "feedback", "feedback:arf", "a complaint (RFC 5965 feedback report), not a bounce", null, null, null, null, null, null, original));
        }

        return new ClassificationResult(null, list);
    }

    private static ClassificationResult Single(string? recipient, string reason, string rule, string explanation, string? status,
        int? reply, string? diagnostic, string? remoteMta, string? action, OriginalHeaders original) =>
        new(null, [Make(recipient, reason, rule, explanation, status, reply, diagnostic, remoteMta, null, action, original)]);

    /// <param name="wordingPermanence">What the bounce's words say about permanence (<see cref="ReasonRules.PermanenceOfWording"/>),
    /// used only when the status, reply code and Action say nothing. When the words say nothing either, a failure report
    /// whose cause is known is taken as final: a delay is reported as Action "delayed" (RFC 3464 §2.3.3) or in the MTAs'
    /// own warning wording, which the wording check knows.</param>
    private static ClassifiedRecipient Make(string? recipient, string reason, string rule, string explanation, string? status, int? reply,
        string? diagnostic, string? remoteMta, DateTime? lastAttempt, string? action, OriginalHeaders original, bool? wordingPermanence = null)
    {
        var permanent = BounceTaxonomy.IsBounce(reason)
            ? BounceTaxonomy.PermanenceOf(status, reply, action) ?? wordingPermanence ?? (reason == "undefined" ? null : true)
            : null;
        var category = BounceTaxonomy.CategoryOf(reason, permanent);
        return new ClassifiedRecipient(recipient, reason, category, BounceTaxonomy.KindOf(category, reason), status, reply, diagnostic,
            remoteMta, lastAttempt, action, original.MessageId, original.SendId, rule, explanation) { Permanent = permanent };
    }

    private static ClassifiedRecipient Decide(string? recipient, string? status, int? reply, string? diagnostic, string? remoteMta,
        DateTime? lastAttempt, string? action, string? context, OriginalHeaders original)
    {
        var decision = ReasonRules.Decide(status, reply, diagnostic, action, context);
        var wording = BounceTaxonomy.PermanenceOf(status, reply, action) is null ? ReasonRules.PermanenceOfWording(diagnostic, context) : null;
        return Make(recipient, decision.Reason, decision.Rule, decision.Explanation, status, reply, Trim(diagnostic), remoteMta, lastAttempt,
            action, original, wording);
    }

    // ---------------------------------------------------------------- RFC 3464

    private static void AddDsnRecipients(MessageDeliveryStatus dsn, MessageParts parts, OriginalHeaders original, List<string> failedHeader,
        List<ClassifiedRecipient> into)
    {
        var groups = dsn.StatusGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            var final = FieldValue(group, "Final-Recipient");
            var originalRecipient = FieldValue(group, "Original-Recipient");
            if (final is null && originalRecipient is null)
            {
                continue; // the per-message group (Reporting-MTA, Arrival-Date)
            }

            // Final-Recipient may be a pipe or a file ("|/usr/bin/procmail"); then the address is elsewhere.
            var recipient = Addresses.Clean(final) is { } f && IsPlainAddress(f) ? f
                : Addresses.Clean(originalRecipient) is { } o && IsPlainAddress(o) ? o
                : failedHeader.Count > into.Count ? failedHeader[into.Count]
                : Addresses.Clean(final);

            var action = FieldValue(group, "Action")?.Trim().ToLowerInvariant();
            if (action is not null)
            {
                var space = action.IndexOfAny([' ', '(', ';']);
                action = space > 0 ? action[..space] : action;
            }

            var rawDiagnostic = FieldValue(group, "Diagnostic-Code");
            var diagnostic = StripType(rawDiagnostic);
            var status = ReasonRules.FindStatus(FieldValue(group, "Status"));
            var diagnosticStatus = ReasonRules.FindStatus(diagnostic);
            if (diagnosticStatus is not null && (status is null || status.EndsWith(".0.0", StringComparison.Ordinal)))
            {
                status = diagnosticStatus;
            }

            var reply = ReasonRules.FindReplyCode(diagnostic);
            var remote = StripType(FieldValue(group, "Remote-MTA"));
            DateTime? last = null;
            if (FieldValue(group, "Last-Attempt-Date") is { } date && DateUtils.TryParse(date, out var when))
            {
                last = when.UtcDateTime;
            }

            var context = parts.Context;
            if (groups.Count > 2 && recipient is not null)
            {
                // Several recipients share the human-readable text: read only the general part and this recipient's lines,
                // so one recipient's explanation does not leak to another.
                context = TextSegments.Before(parts.BounceText, recipient) is { Length: > 0 } before
                    ? LeadingText(before) + "\n" + TextSegments.Around(parts.BounceText, recipient)
                    : TextSegments.Around(parts.BounceText, recipient) ?? "";
            }

            if (string.IsNullOrWhiteSpace(diagnostic) && StatusComment(FieldValue(group, "Status")) is { } comment)
            {
                // "Status: 4.0.0 (cat.example.net: host name lookup failure)": the comment is the only explanation.
                diagnostic = comment;
            }

            if (string.IsNullOrWhiteSpace(diagnostic) && recipient is not null)
            {
                // Without a Diagnostic-Code the human-readable part usually explains the failure next to the address.
                diagnostic = TextSegments.Around(parts.Text, recipient);
            }

            if (rawDiagnostic?.TrimStart().StartsWith("x-unix", StringComparison.OrdinalIgnoreCase) == true && action != "delivered")
            {
                // X-Unix diagnostics carry the exit status of the local delivery program (sysexits.h), not an SMTP answer: a
                // mailer error, unless the program's own words or the status name a more specific cause (a full mailbox).
                var local = ReasonRules.Decide(status, null, diagnostic, action);
                if (local.Reason is "onhold" or "undefined" or "systemerror" or "mailererror" or "expired" or "networkerror" or "syntaxerror")
                {
                    into.Add(Make(recipient, "mailererror", "dsn:x-unix", "the local delivery program failed (X-Unix diagnostic, exit status)", status,
                        null, Trim(diagnostic), remote, last, action, original, ReasonRules.PermanenceOfWording(diagnostic, context)));
                }
                else
                {
                    into.Add(Make(recipient, local.Reason, local.Rule, local.Explanation, status, null, Trim(diagnostic), remote, last, action, original,
                        ReasonRules.PermanenceOfWording(diagnostic, context)));
                }

                continue;
            }

            into.Add(Decide(recipient, status, reply ?? ReasonRules.FindReplyCode(diagnostic), diagnostic, remote, last, action, context, original));
        }
    }

    private static bool IsPlainAddress(string address) => !address.AsSpan().ContainsAny('/', '|', ' ');

    private static List<string> FailedRecipientsHeader(MimeMessage message)
    {
        var list = new List<string>();
        foreach (var header in message.Headers)
        {
            if (header.Field.Equals("X-Failed-Recipients", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var piece in header.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    AddDistinct(list, Addresses.Clean(piece));
                }
            }
        }

        return list;
    }

    private static string? FieldValue(HeaderList group, string name)
    {
        var index = group.IndexOf(name);
        return index < 0 ? null : DecodedValue(group[index]);
    }

    /// <summary>
    /// <see cref="Header.Value"/>, read directly from the raw bytes when they are ASCII with no encoded word (as DSN
    /// fields nearly always are): MimeKit's RFC 2047 decoder would return those characters unchanged, and its unfolding
    /// (trim, drop the line breaks of folded lines) is done here. Anything else goes to MimeKit.
    /// </summary>
    internal static string DecodedValue(Header header)
    {
        var raw = header.RawValue;
        if (!System.Text.Ascii.IsValid(raw) || raw.AsSpan().IndexOf("=?"u8) >= 0)
        {
            return header.Value;
        }

        var value = raw.AsSpan();
        var start = 0;
        while (start < value.Length && IsAsciiWhiteSpace(value[start]))
        {
            start++;
        }

        var end = value.Length;
        while (end > start && IsAsciiWhiteSpace(value[end - 1]))
        {
            end--;
        }

        value = value[start..end];
        if (value.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return Encoding.ASCII.GetString(value);
        }

        Span<char> chars = value.Length <= 256 ? stackalloc char[value.Length] : new char[value.Length];
        var count = 0;
        foreach (var b in value)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                chars[count++] = (char)b;
            }
        }

        return new string(chars[..count]);
    }

    private static bool IsAsciiWhiteSpace(byte b) => b == ' ' || (b >= '\t' && b <= '\r');

    /// <summary>Removes the "type;" prefix of DSN fields (rfc822; dns; smtp; X-Postfix;).</summary>
    private static string? StripType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var semi = value.IndexOf(';');
        if (semi > 0 && semi < 20 && !value.AsSpan(0, semi).ContainsAny(' ', '@'))
        {
            value = value[(semi + 1)..];
        }

        return value.Trim();
    }

    /// <summary>The diagnostic as reported: whitespace runs collapsed, at most 1,000 characters.</summary>
    private static string? Trim(string? diagnostic) => ReasonRules.Collapse(diagnostic, lowerCase: false, maxLength: 1000);

    // ---------------------------------------------------------------- auto-replies

    [GeneratedRegex(@"^\s*(auto(matic|matische)?[ _-]?(reply|response|antwort|responder)|auto:|out of (the )?office|away from|on vacation|vacation|abwesenheit|absence|r[ée]ponse automatique|respuesta autom|自動)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutoReplySubject();

    /// <summary>
    /// Complaints that are not RFC 5965 reports: Microsoft's JMRP ("complaint about message from", returned message with
    /// X-HmXmrOriginalRecipient) and Apple Mail's one-click unsubscribe (X-Apple-Unsubscribe).
    /// </summary>
    private static bool IsOtherComplaint(MimeMessage message, MessageParts parts)
    {
        if (string.Equals(message.Headers["X-Apple-Unsubscribe"]?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return parts.OriginalFields?.Contains("X-HmXmrOriginalRecipient") == true
            || message.Subject?.Contains("complaint about message", StringComparison.OrdinalIgnoreCase) == true;
    }

    private static bool IsAutoReply(MimeMessage message, MessageParts parts)
    {
        var headers = message.Headers;
        var autoSubmitted = headers["Auto-Submitted"];
        var subject = message.Subject;
        // RFC 3834 §5: "auto-replied" and "auto-generated" both mark a message sent by a program, not a person; a bounce is
        // told apart below (mail-system sender, X-Failed-Recipients, a delivery report, a bounce subject).
        var marked = (autoSubmitted is not null && (autoSubmitted.Trim().StartsWith("auto-replied", StringComparison.OrdinalIgnoreCase)
                || autoSubmitted.Trim().StartsWith("auto-generated", StringComparison.OrdinalIgnoreCase)))
            || (parts.OriginalFields is null && !headers.Contains("X-Failed-Recipients") && AutoReplyBodyPhrases.ContainsAny(LeadingLines(parts.Text)))
            || headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond") || headers.Contains("X-Autoresponder")
            || string.Equals(headers["Precedence"]?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase)
            || (subject is not null && AutoReplySubject().IsMatch(subject) && !LooksLikeBounceSubject(subject));
        if (!marked)
        {
            // Most messages carry no auto-reply mark: the sender's address is not even parsed.
            return false;
        }

        // Exim and others mark their bounces "Auto-Submitted: auto-replied" too; a bounce is never an auto-reply.
        var sender = message.From.Mailboxes.FirstOrDefault()?.Address;
        return !((sender is not null && Addresses.IsMailSystem(sender)) || headers.Contains("X-Failed-Recipients")
            || IsReportType(message, "delivery-status") || (subject is not null && LooksLikeBounceSubject(subject)));
    }

    /// <summary>
    /// Openings of out-of-office texts (any case) that older auto-responders send without RFC 3834's Auto-Submitted field.
    /// Read only in the first lines of a message that returns no original message and names no failed recipient.
    /// </summary>
    private static readonly PhraseIndex AutoReplyBodyPhrases = new(
        [[
            "out of the office", "out of office", "i am away", "i'm away", "i am currently away", "i am on vacation", "i'm on vacation",
            "i am on leave", "i am on holiday", "away from the office", "away from my desk", "limited access to e-mail", "limited access to email",
            "will respond when i return", "will reply when i return", "upon my return", "until my return", "this is an automatic reply",
            "this is an automated reply", "this is an auto-reply", "this is an autoreply", "automatic reply", "abwesenheitsnotiz",
            "bin ich nicht im b", "ich bin bis", "je suis absent", "ponse automatique", "respuesta autom",
        ]],
        ignoreAsciiCase: true);

    /// <summary>The first 400 characters of a text: where an auto-reply says what it is.</summary>
    private static ReadOnlySpan<char> LeadingLines(string text) => text.AsSpan(0, Math.Min(text.Length, 400));

    /// <summary>Subject wordings of delivery failure reports (any case).</summary>
    private static readonly PhraseIndex BounceSubjectPhrases = new(
        [[
            "undeliver", "delivery status", "delivery failure", "delivery notification", "delivered status", "delivered failure",
            "delivered notification", "deliver status", "deliver failure", "deliver notification", "returned mail", "failure notice",
            "mail delivery", "not delivered", "rejected",
        ]],
        ignoreAsciiCase: true);

    private static bool LooksLikeBounceSubject(string subject) => BounceSubjectPhrases.ContainsAny(subject);

    // ---------------------------------------------------------------- non-standard bounces

    private static void AddTextRecipients(MimeMessage message, MessageParts parts, OriginalHeaders original, List<ClassifiedRecipient> into)
    {
        var recipients = new List<string>();

        // X-Failed-Recipients (Exim and others) is the most reliable list when present.
        recipients.AddRange(FailedRecipientsHeader(message));

        // Final-Recipient lines in plain text: a delivery-status part sent with the wrong content type.
        var dsnText = parts.BounceText;
        var hasTextFinalRecipient = HasTextFinalRecipient(dsnText);
        if (recipients.Count == 0 && hasTextFinalRecipient)
        {
            foreach (Match m in TextFinalRecipient().Matches(dsnText))
            {
                AddDistinct(recipients, Addresses.Clean(m.Groups[1].Value));
            }
        }

        if (recipients.Count == 0)
        {
            var excluded = new HashSet<string>(StringComparer.Ordinal);
            foreach (var address in message.To.Mailboxes.Concat(message.From.Mailboxes).Concat(message.Cc.Mailboxes))
            {
                if (Addresses.Clean(address.Address) is { } a)
                {
                    excluded.Add(a);
                }
            }

            if (Addresses.Clean(message.Headers["Return-Path"]) is { } rp)
            {
                excluded.Add(rp);
            }

            if (original.From is not null)
            {
                excluded.Add(original.From);
            }

            // MTAs list failed recipients at the start of a line ("<a@b>: host said ...", "  a@b", "* a@b"); an address in
            // the middle of a sentence ("please contact <support@isp>") is boilerplate. Prefer the former when there are any.
            var found = Addresses.InText(parts.BounceText, out var leading);
            foreach (var address in leading.Count > 0 ? leading : found)
            {
                if (!excluded.Contains(address) && !Addresses.IsRole(address))
                {
                    AddDistinct(recipients, address);
                }
            }
        }

        if (recipients.Count == 0 && original.To is not null)
        {
            recipients.Add(original.To);
        }

        if (recipients.Count == 0)
        {
            var status = ReasonRules.FindStatus(dsnText);
            into.Add(Decide(null, status, ReasonRules.FindReplyCode(dsnText), Explanation(dsnText), null, null, null, null, original));
            return;
        }

        // DSN fields in plain text (a delivery-status part whose boundary MimeKit could not see): read them per recipient.
        if (hasTextFinalRecipient && TextFinalRecipient().IsMatch(dsnText) && TextDsnGroups(dsnText) is { Count: > 0 } groups)
        {
            foreach (var group in groups)
            {
                var status = ReasonRules.FindStatus(group.Status);
                var diagnostic = group.Diagnostic ?? StatusComment(group.Status) ?? TextSegments.Around(dsnText, group.Recipient);
                var diagnosticStatus = ReasonRules.FindStatus(diagnostic);
                if (diagnosticStatus is not null && (status is null || status.EndsWith(".0.0", StringComparison.Ordinal)))
                {
                    status = diagnosticStatus;
                }

                var groupContext = groups.Count > 1 ? LeadingText(dsnText) + "\n" + TextSegments.Around(dsnText, group.Recipient) : parts.Context;
                into.Add(Decide(group.Recipient, status, ReasonRules.FindReplyCode(diagnostic), diagnostic, group.RemoteMta, null, group.Action,
                    groupContext, original));
            }

            return;
        }

        // The text before the first recipient, then the context: one string, no copy of the preface on its own.
        var context = string.Concat(dsnText.AsSpan(0, TextSegments.BeforeLength(dsnText, recipients[0])), "\n", parts.Context);
        var textStatus = ReasonRules.FindStatus(dsnText);
        var textReply = ReasonRules.FindReplyCode(dsnText);
        foreach (var recipient in recipients)
        {
            var segment = TextSegments.For(dsnText, recipient, recipients);
            var status = ReasonRules.FindStatus(segment) ?? textStatus;
            var reply = ReasonRules.FindReplyCode(segment) ?? textReply;
            var diagnostic = string.IsNullOrWhiteSpace(segment) ? Explanation(dsnText) : segment;
            into.Add(Decide(recipient, status, reply, diagnostic, null, null, null, context, original));
        }
    }

    /// <summary>The text before the first address in it: the general explanation of a multi-recipient bounce.</summary>
    private static string LeadingText(string text)
    {
        var at = text.IndexOf('@');
        if (at < 0)
        {
            return text;
        }

        var lineStart = text.LastIndexOf('\n', at) + 1;
        return text[..lineStart];
    }

    /// <summary>The comment of a Status field ("5.0.0 (permanent failure)"), or null.</summary>
    private static string? StatusComment(string? status)
    {
        if (status is null)
        {
            return null;
        }

        var open = status.IndexOf('(');
        var close = status.LastIndexOf(')');
        var comment = open >= 0 && close > open ? status[(open + 1)..close].Trim() : null;
        return string.IsNullOrEmpty(comment) || comment.Equals("permanent failure", StringComparison.OrdinalIgnoreCase) ? null : comment;
    }

    private sealed record TextDsnGroup(string Recipient, string? Action, string? Status, string? Diagnostic, string? RemoteMta);

    /// <summary>Per-recipient DSN fields (RFC 3464 §2.3) found as plain text lines, with folded continuation lines.</summary>
    private static List<TextDsnGroup> TextDsnGroups(string text)
    {
        var groups = new List<TextDsnGroup>();
        string? recipient = null, action = null, status = null, diagnostic = null, remote = null, field = null;

        void Flush()
        {
            if (recipient is not null && !groups.Any(g => g.Recipient == recipient))
            {
                groups.Add(new TextDsnGroup(recipient, action, status, diagnostic is null ? null : StripType(diagnostic), StripType(remote)));
            }

            recipient = action = status = diagnostic = remote = field = null;
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && field == "diagnostic-code" && diagnostic is not null)
            {
                diagnostic += " " + line.Trim();
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                field = null;
                continue;
            }

            field = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (field)
            {
                case "final-recipient":
                    Flush();
                    field = "final-recipient";
                    recipient = Addresses.Clean(value);
                    break;
                case "action":
                    action = value.Split(' ', '(', ';')[0].ToLowerInvariant();
                    break;
                case "status":
                    status = value;
                    break;
                case "diagnostic-code":
                    diagnostic = value;
                    break;
                case "remote-mta":
                    remote = value;
                    break;
            }
        }

        Flush();
        return groups;
    }

    /// <summary>The first few lines of a bounce text, as the diagnostic when nothing better is known.</summary>
    private static string? Explanation(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return text.Length > 600 ? text[..600] : text;
    }

    private static void AddDistinct(List<string> list, string? address)
    {
        if (address is not null && !list.Contains(address))
        {
            list.Add(address);
        }
    }

    /// <summary>
    /// Whether the text can hold a Final-Recipient line at all. Most bounce texts do not, and the regex's own search for a
    /// line start is generic framework code that no precompiled image holds.
    /// </summary>
    private static bool HasTextFinalRecipient(string text) => AsciiIgnoreCase.Contains(text, "Final-Recipient:");

    [GeneratedRegex(@"^\s*Final-Recipient:\s*(?:[\w-]+;)?\s*<?([^\s<>;]+@[^\s<>;]+?)>?\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TextFinalRecipient();
}
