using System.Buffers;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>The parts of a bounce the classifier reads, gathered in one walk over the MIME tree.</summary>
internal sealed partial class MessageParts
{
    /// <summary>The message/delivery-status parts (RFC 3464), in order.</summary>
    public List<MessageDeliveryStatus> DeliveryStatus { get; } = [];

    /// <summary>The message/feedback-report part (RFC 5965), if any.</summary>
    public MessageFeedbackReport? Feedback { get; private set; }

    /// <summary>The returned original message or its headers (message/rfc822, text/rfc822-headers) as MimeKit parsed it, if any.</summary>
    /// <remarks>At most one of <see cref="Original"/> and <see cref="OriginalPart"/> is set: the first returned part.</remarks>
    public MimeMessage? Original { get; private set; }

    /// <summary>The returned original kept as bytes by the classifier's own parser, whose header fields are read alone.</summary>
    public ReturnedMessagePart? OriginalPart { get; private set; }

    /// <summary>The header fields of the returned original, however it was returned.</summary>
    public HeaderList? OriginalFields => Original?.Headers ?? OriginalPart?.Fields();

    private bool HasOriginal => Original is not null || OriginalPart is not null;

    /// <summary>All human-readable text of the bounce itself (not of the returned message), capped.</summary>
    public string Text { get; private set; } = "";

    /// <summary><see cref="Text"/> up to the line where an inline copy of the original message starts.</summary>
    public string BounceText { get; private set; } = "";

    /// <summary>The start of <see cref="BounceText"/>: what the wording rules read when a recipient's own diagnostic says nothing.</summary>
    /// <remarks>Cut once: every recipient reads it, and the wording rules cache their lower-cased copy by reference.</remarks>
    public string Context => context ??= BounceText.Length > ContextChars ? BounceText[..ContextChars] : BounceText;

    private string? context;

    private const int ContextChars = 6000;

    /// <summary><see cref="Text"/> from the line where an inline copy of the original message starts (empty when none).</summary>
    /// <remarks>A view of <see cref="Text"/>, not a copy: it is read only when no returned message part exists.</remarks>
    public ReadOnlySpan<char> ReturnedText => Text.AsSpan(returnedStart);

    private int returnedStart;

    /// <summary>True when the MIME tree is nested deeper than allowed.</summary>
    public bool TooDeep { get; private set; }

    public static MessageParts Collect(MimeMessage message, int maxDepth)
    {
        var result = new MessageParts();
        // The text is gathered in the thread's reused buffer and becomes one string at the end: no builder chunks, no
        // string per part.
        var plain = TextBuffer.ForThread();
        // HTML parts are decoded only when there is no plain text at all (their text is then the only text): decoding
        // them means MimeKit's HTML charset sniffing and a tag strip, wasted work whenever a text/plain part exists.
        List<TextPart>? htmlParts = null;
        // The thread's stack, emptied (and its references cleared) after every walk: it grew anew for every message.
        var stack = walkStack ??= new WalkStack();
        try
        {
            Walk(message, maxDepth, result, plain, stack, ref htmlParts);
        }
        finally
        {
            stack.Clear();
        }

        var all = plain.Length > 0 || htmlParts is null ? plain.ToStringAndClear() : HtmlText(htmlParts, plain);
        result.Text = all;
        var cut = FindOriginalMarker(all);
        result.BounceText = cut >= 0 ? all[..cut] : all;
        result.returnedStart = cut >= 0 ? cut : all.Length;
        return result;
    }

    [ThreadStatic]
    private static WalkStack? walkStack;

    /// <summary>
    /// The walk's stack of (entity, depth). Not a <c>Stack&lt;(MimeEntity, int)&gt;</c>: that generic instantiation exists in
    /// no precompiled image, so it was JIT-compiled at start-up and then ran as slow tier-0 code for most of a short run.
    /// </summary>
    private sealed class WalkStack
    {
        private MimeEntity[] entities = new MimeEntity[16];
        private int[] depths = new int[16];

        public int Count { get; private set; }

        public void Push((MimeEntity Entity, int Depth) item)
        {
            if (Count == entities.Length)
            {
                Array.Resize(ref entities, Count * 2);
                Array.Resize(ref depths, Count * 2);
            }

            entities[Count] = item.Entity;
            depths[Count++] = item.Depth;
        }

        public (MimeEntity Entity, int Depth) Pop()
        {
            var entity = entities[--Count];
            entities[Count] = null!;
            return (entity, depths[Count]);
        }

        public void Clear()
        {
            Array.Clear(entities, 0, Count);
            Count = 0;
        }
    }

    private static void Walk(MimeMessage message, int maxDepth, MessageParts result, TextBuffer plain, WalkStack stack,
        ref List<TextPart>? htmlParts)
    {
        if (message.Body is not null)
        {
            stack.Push((message.Body, 0));
        }

        while (stack.Count > 0)
        {
            var (entity, depth) = stack.Pop();
            if (depth > maxDepth)
            {
                result.TooDeep = true;
                break;
            }

            switch (entity)
            {
                case Multipart multipart:
                    if (multipart.Count == 0 && !string.IsNullOrWhiteSpace(multipart.Preamble))
                    {
                        // A multipart whose boundaries never appear: everything MimeKit found is the preamble.
                        plain.Append(multipart.Preamble);
                        plain.Append('\n');
                    }

                    for (var i = multipart.Count - 1; i >= 0; i--)
                    {
                        stack.Push((multipart[i], depth + 1));
                    }

                    break;
                case MessageDeliveryStatus dsn:
                    result.DeliveryStatus.Add(dsn);
                    break;
                case MessageFeedbackReport feedback:
                    result.Feedback ??= feedback;
                    break;
                case ReturnedMessagePart returned:
                    // The same decisions as for a parsed message/rfc822 part (below), reading the returned bytes only as
                    // far as needed: a few header fields; the whole message only when its headers say it is a report.
                    if (returned.Fields() is { } fields && IsPlainReturned(fields))
                    {
                        if (!result.HasOriginal)
                        {
                            result.OriginalPart = returned;
                        }
                    }
                    else if (returned.HeadersOnly() is { Body: Multipart head } && head.ContentType.IsMimeType("multipart", "report")
                        && returned.Full() is { Body: Multipart report } && report.ContentType.IsMimeType("multipart", "report"))
                    {
                        stack.Push((report, depth + 1));
                    }
                    else if (!result.HasOriginal)
                    {
                        result.Original = returned.HeadersOnly();
                    }

                    break;
                case MessagePart { Message.Body: Multipart inner } when inner.ContentType.IsMimeType("multipart", "report"):
                    // A report forwarded inside a message (a bounce of a bounce, a forwarded DSN): read it as a report too.
                    stack.Push((inner, depth + 1));
                    break;
                case MessagePart part:
                    // The returned original: read its headers, never its body as bounce text.
                    if (!result.HasOriginal)
                    {
                        result.Original = part.Message;
                    }

                    break;
                case TextPart text when !text.IsAttachment || text.ContentType.IsMimeType("text", "plain"):
                    if (text.IsHtml)
                    {
                        (htmlParts ??= []).Add(text);
                    }
                    else if (plain.Length < MaxChars)
                    {
                        var value = SafeTextSpan(text);
                        plain.Append(value.Length > MaxChars ? value[..MaxChars] : value);
                        plain.Append('\n');
                    }

                    break;
            }
        }
    }

    private const int MaxChars = 64 * 1024;

    /// <summary>The text of the HTML parts (tags as spaces, entities decoded), gathered in <paramref name="html"/> (empty).</summary>
    private static string HtmlText(List<TextPart> htmlParts, TextBuffer html)
    {
        foreach (var part in htmlParts)
        {
            if (html.Length >= MaxChars)
            {
                break;
            }

            var start = html.Length;
            TagsToSpaces(SafeTextSpan(part), html);
            var stripped = html.From(start);
            if (stripped.Contains('&'))
            {
                // WebUtility.HtmlDecode returns text without '&' unchanged: only text with entities needs the string.
                var decoded = WebUtility.HtmlDecode(stripped.ToString());
                html.Truncate(start);
                html.Append(decoded.Length > MaxChars ? decoded.AsSpan(0, MaxChars) : decoded);
            }
            else if (stripped.Length > MaxChars)
            {
                html.Truncate(start + MaxChars);
            }

            html.Append('\n');
        }

        return html.ToStringAndClear();
    }

    /// <summary>The decoded text of <paramref name="part"/>, valid until the thread decodes the next part.</summary>
    private static ReadOnlySpan<char> SafeTextSpan(TextPart part)
    {
        try
        {
            return DecodedTextSpan(part);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or FormatException or DecoderFallbackException)
        {
            // An unknown or lying charset: read the bytes as Latin-1, which never fails.
            using var stream = new MemoryStream();
            part.Content?.DecodeTo(stream);
            return Encoding.Latin1.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        }
    }

    /// <summary>UTF-8 that throws on invalid bytes, as MimeKit tries it for text without a charset before ISO-8859-1.</summary>
    private static readonly Encoding StrictUtf8 = Encoding.GetEncoding(65001, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>The same text as MimeKit's <see cref="TextPart.Text"/>: see <see cref="DecodedTextSpan"/>.</summary>
    internal static string DecodedText(TextPart part) => DecodedTextSpan(part).ToString();

    /// <summary>The thread's buffers for decoding parts: reused, since every message has parts to decode.</summary>
    [ThreadStatic]
    private static MemoryStream? decodedBytes;

    [ThreadStatic]
    private static char[]? decodedChars;

    /// <summary>Buffers that grew past this (a huge part) are not kept for the next message.</summary>
    private const int MaxKeptBuffer = 1 << 20;

    /// <summary>
    /// The same text as MimeKit's <see cref="TextPart.Text"/>, decoded in one step into the thread's buffer (valid until
    /// the thread decodes the next part). MimeKit picks the charset the same way (<see cref="TextPart.TryDetectEncoding"/>:
    /// the charset parameter, a byte order mark, HTML's meta charset, else strict UTF-8 and ISO-8859-1 when that fails),
    /// but then streams the bytes through a charset filter that re-encodes to UTF-8, a CRLF-to-LF filter and a UTF-8
    /// decoder: three buffers and two conversions per part, the largest share of the classifier's allocations. For text
    /// without surrogate pairs the UTF-8 round trip is exact; the rare text with them takes MimeKit's own path, so the
    /// result is always identical.
    /// </summary>
    internal static ReadOnlySpan<char> DecodedTextSpan(TextPart part)
    {
        if (part.Content is null)
        {
            return part.Text ?? "";
        }

        // TryDetectEncoding's order: the charset parameter; else a byte order mark; else (HTML) a meta charset. It reads
        // the BOM through a decoding stream of its own (a filter, a 4 KB buffer); for plain text the BOM is read from the
        // bytes decoded here anyway. HTML keeps MimeKit's own detection (BOM, then meta sniffing).
        Encoding? encoding = part.IsHtml ? (part.TryDetectEncoding(out var html, out _) ? html : null) : CharsetEncoding(part.ContentType);
        var decoded = decodedBytes ??= new MemoryStream();
        decoded.SetLength(0);
        try
        {
            part.Content.DecodeTo(decoded);
            var bytes = decoded.GetBuffer().AsSpan(0, (int)decoded.Length);
            encoding ??= (part.IsHtml ? null : BomEncoding(bytes)) ?? StrictUtf8;
            var chars = decodedChars;
            var max = encoding.GetMaxCharCount(bytes.Length);
            if (chars is null || chars.Length < max || chars.Length < bytes.Length)
            {
                // At least one char per byte too: the Latin-1 fallback below decodes into the same buffer.
                chars = decodedChars = new char[Math.Max(Math.Max(max, bytes.Length), 4096)];
            }

            int length;
            try
            {
                length = encoding.GetChars(bytes, chars);
            }
            catch (DecoderFallbackException)
            {
                length = Encoding.Latin1.GetChars(bytes, chars);
            }

            var text = chars.AsSpan(0, length);
            return text.ContainsAnyInRange('\uD800', '\uDFFF') ? part.Text ?? "" : DosToUnix(text);
        }
        finally
        {
            if (decoded.Capacity > MaxKeptBuffer)
            {
                decodedBytes = null;
            }

            if (decodedChars?.Length > MaxKeptBuffer)
            {
                // The span returned still refers to the array; only the thread stops keeping it.
                decodedChars = null;
            }
        }
    }

    /// <summary>
    /// Charset names MimeKit knows but .NET does not provide (iso-2022-jp, shift_jis, windows-125x without the code pages
    /// provider). Copy-on-write: read without a lock on every text part, replaced whole on the rare addition. Not a
    /// ConcurrentDictionary: its Count takes every lock and its first use builds an EventSource (reflection over
    /// attributes, milliseconds on the first message's path), and its &lt;string, bool&gt; code had to be JIT-compiled.
    /// </summary>
    private static volatile HashSet<string> unavailableCharsets = new(StringComparer.Ordinal);

    private static readonly Lock UnavailableCharsetsLock = new();

    /// <summary>
    /// <see cref="ContentType.CharsetEncoding"/>, which for a charset .NET cannot provide throws and catches an exception
    /// inside MimeKit every time (one message in ten of the dev corpus, each exception costing as much as classifying a
    /// message). The answer depends only on the charset name, so a name found unavailable is remembered (a bounded set).
    /// </summary>
    private static Encoding? CharsetEncoding(ContentType type)
    {
        var charset = type.Charset;
        if (charset is null || unavailableCharsets.Contains(charset))
        {
            return null;
        }

        var encoding = type.CharsetEncoding;
        if (encoding is null)
        {
            lock (UnavailableCharsetsLock)
            {
                if (unavailableCharsets.Count < 256 && !unavailableCharsets.Contains(charset))
                {
                    unavailableCharsets = new HashSet<string>(unavailableCharsets, StringComparer.Ordinal) { charset };
                }
            }
        }

        return encoding;
    }

    /// <summary>The encoding a byte order mark names (MimeKit's CharsetUtils.TryGetBomEncoding), or null.</summary>
    private static Encoding? BomEncoding(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Encoding.Unicode
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? StrictUtf8
        : null;

    /// <summary>
    /// CRLF becomes LF and a CR that ends the text is dropped; any other CR stays (MimeKit's Dos2UnixFilter). In place:
    /// the text only gets shorter, and each character is read before anything is written at or after its position.
    /// </summary>
    private static Span<char> DosToUnix(Span<char> text)
    {
        var cr = text.IndexOf('\r');
        if (cr < 0)
        {
            return text;
        }

        var length = cr;
        for (var i = cr; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\r' || (i + 1 < text.Length && text[i + 1] != '\n'))
            {
                text[length++] = c;
            }
        }

        return text[..length];
    }

    /// <summary>
    /// Replaces each tag with one space, as <c>Regex.Replace(text, "&lt;[^&gt;]{0,2000}&gt;", " ")</c> does (a '&lt;' whose
    /// first following '&gt;' is at most 2,000 characters on), in one forward scan instead of a regex match per tag.
    /// </summary>
    internal static string TagsToSpaces(string text)
    {
        var result = new TextBuffer();
        TagsToSpaces(text, result);
        return result.ToStringAndClear();
    }

    /// <summary><see cref="TagsToSpaces(string)"/>, appending the result to <paramref name="into"/>.</summary>
    private static void TagsToSpaces(ReadOnlySpan<char> text, TextBuffer into)
    {
        var open = text.IndexOf('<');
        var copied = 0;
        while (open >= 0)
        {
            var close = IndexOf(text, '>', open + 1);
            if (close < 0)
            {
                break;
            }

            if (close - open - 1 <= MaxTagChars)
            {
                into.Append(text[copied..open]);
                into.Append(' ');
                copied = close + 1;
                open = IndexOf(text, '<', copied);
            }
            else
            {
                open = IndexOf(text, '<', open + 1);
            }
        }

        into.Append(text[copied..]);
    }

    private static int IndexOf(ReadOnlySpan<char> text, char c, int from)
    {
        var at = text[from..].IndexOf(c);
        return at < 0 ? -1 : from + at;
    }

    /// <summary>
    /// Whether returned header fields type the message's body as anything but a report, as MimeKit would read them: no
    /// Content-Type (text/plain), or exactly one that parses and is not multipart/report. Anything else (a report, a
    /// Content-Type MimeKit has to repair, two of them) is left to MimeKit's whole reading.
    /// </summary>
    private static bool IsPlainReturned(HeaderList fields)
    {
        ContentType? type = null;
        foreach (var header in fields)
        {
            if (header.Id != HeaderId.ContentType)
            {
                continue;
            }

            if (type is not null || !ContentType.TryParse(BounceClassifier.ParserOptions, header.RawValue, out type))
            {
                return false;
            }
        }

        return type is null || !type.IsMimeType("multipart", "report");
    }

    private const int MaxTagChars = 2000;

    /// <summary>
    /// Phrases that, on a line of dashes ("----- Original message -----"), start the inline copy of the returned message.
    /// Compared one by one (OrdinalIgnoreCase), not through a case-insensitive SearchValues: dashed lines are few and short,
    /// and that searcher's code (five methods) exists in no precompiled image, so every run JIT-compiled it.
    /// </summary>
    private static readonly string[] DashedMarkers =
    [
        "original message", "returned message", "unsent message", "copy of the message", "copy of your message", "message header follow",
        "message headers follow", "message body follow", "message text follow", "original mail", "undelivered message", "rfc822",
        "header of the message", "headers of the message", "header of the original message", "headers of the original message",
    ];

    /// <summary>Line beginnings that start the inline copy of the returned message.</summary>
    private static readonly string[] LineMarkers =
    [
        "original message headers", "the original message headers are", "message headers follow", "below this line is a copy",
        "this is a copy of the message", "this is a copy of your message", "undeliverable message headers", "content-type: message/rfc822",
        "content-type:message/rfc822", "content-type: text/rfc822-headers", "content-type:text/rfc822-headers",
    ];

    /// <summary>Whether an ASCII character is the first letter of one of the <see cref="LineMarkers"/> (in either case): other ASCII line starts need no comparison.</summary>
    private static readonly bool[] LineMarkerFirstChars = CreateLineMarkerFirstChars();

    private static bool[] CreateLineMarkerFirstChars()
    {
        var first = new bool[128];
        foreach (var marker in LineMarkers)
        {
            first[char.ToLowerInvariant(marker[0])] = first[char.ToUpperInvariant(marker[0])] = true;
        }

        return first;
    }

    /// <summary>Index of the line where MTAs start the inline copy of the returned message, or -1. A line scan: no regex over the whole text.</summary>
    private static int FindOriginalMarker(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            var line = text.AsSpan(start, end - start).TrimStart(" \t>");
            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                foreach (var marker in DashedMarkers)
                {
                    if (AsciiIgnoreCase.Contains(line, marker))
                    {
                        return start;
                    }
                }
            }
            else if (line.Length > 20 && (line[0] > '\x7f' || LineMarkerFirstChars[line[0]]))
            {
                foreach (var marker in LineMarkers)
                {
                    if (line.StartsWith(marker, StringComparison.OrdinalIgnoreCase))
                    {
                        return start;
                    }
                }
            }

            start = end + 1;
        }

        return -1;
    }
}

/// <summary>A growable character buffer reused by one thread: the bounce text is gathered here, then copied once into a string.</summary>
internal sealed class TextBuffer
{
    [ThreadStatic]
    private static TextBuffer? current;

    private char[] chars = new char[8192];

    /// <summary>The calling thread's buffer, emptied.</summary>
    public static TextBuffer ForThread()
    {
        var buffer = current ??= new TextBuffer();
        buffer.Length = 0;
        return buffer;
    }

    public int Length { get; private set; }

    /// <summary>The text from <paramref name="start"/> on (valid until the next append).</summary>
    public ReadOnlySpan<char> From(int start) => chars.AsSpan(start, Length - start);

    /// <summary>Drops the text from <paramref name="length"/> on.</summary>
    public void Truncate(int length) => Length = Math.Min(Length, length);

    public void Append(char c)
    {
        Reserve(1);
        chars[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        Reserve(text.Length);
        text.CopyTo(chars.AsSpan(Length));
        Length += text.Length;
    }

    /// <summary>The text as a string; a buffer grown past 1 MB (a huge message) is not kept for the next one.</summary>
    public string ToStringAndClear()
    {
        var text = new string(chars, 0, Length);
        Length = 0;
        if (chars.Length > 1 << 20)
        {
            chars = new char[8192];
        }

        return text;
    }

    private void Reserve(int more)
    {
        if (chars.Length - Length < more)
        {
            Array.Resize(ref chars, (int)Math.Min(Array.MaxLength, Math.Max(chars.Length * 2L, (long)Length + more)));
        }
    }
}

/// <summary>What the report returned of the original message: its Message-ID, recipient, sender and our send id.</summary>
/// <remarks>Only what the classifier uses is read: each header MimeKit decodes costs time per message.</remarks>
internal sealed partial class OriginalHeaders
{
    public string? MessageId { get; private init; }

    /// <summary>The one recipient the original was addressed to (null for none or several); read on first use.</summary>
    public string? To
    {
        get
        {
            ReadAddresses();
            return to;
        }
        private init => (to, addressesRead) = (value, true);
    }

    /// <summary>The original's first sender; read on first use.</summary>
    public string? From
    {
        get
        {
            ReadAddresses();
            return from;
        }
        private init => (from, addressesRead) = (value, true);
    }

    public long? SendId { get; private init; }

    // Only bounces without a delivery-status part ask for To and From: the address parse is skipped for the others.
    private string? to;
    private string? from;
    private bool addressesRead;
    private MimeMessage? message;
    private ReturnedMessagePart? part;

    private void ReadAddresses()
    {
        if (addressesRead)
        {
            return;
        }

        addressesRead = true;
        if (part?.Fields() is { } fields && AddressesOf(fields) is { } read)
        {
            (to, from) = read;
            return;
        }

        if ((message ?? part?.HeadersOnly()) is { } original)
        {
            var recipients = original.To.Mailboxes.ToList();
            to = recipients.Count == 1 ? Addresses.Clean(recipients[0].Address) : null;
            from = Addresses.Clean(original.From.Mailboxes.FirstOrDefault()?.Address);
        }
    }

    public static OriginalHeaders Read(MessageParts parts)
    {
        if (parts.Original is { } original)
        {
            return FromMessage(original);
        }

        if (parts.OriginalPart is { } part)
        {
            if (FromFields(part) is { } read)
            {
                return read;
            }

            if (part.HeadersOnly() is { } message)
            {
                return FromMessage(message);
            }
        }

        // Inline copy in the text (qmail, old Sendmail, many Japanese MTAs): scan header-like lines.
        var text = parts.ReturnedText;
        if (text.Length == 0)
        {
            return new OriginalHeaders();
        }

        string? id = null, to = null, from = null, send = null;
        var start = 0;
        for (var lines = 0; start < text.Length && lines < 300; lines++)
        {
            var end = text[start..].IndexOf('\n');
            end = end < 0 ? text.Length : start + end;

            var line = text[start..end].Trim();
            id ??= HeaderValue(line, "Message-ID:");
            to ??= HeaderValue(line, "To:");
            from ??= HeaderValue(line, "From:");
            send ??= HeaderValue(line, SendIdField);
            start = end + 1;
        }

        return new OriginalHeaders
        {
            MessageId = id?.Trim('<', '>'),
            To = Addresses.Clean(to),
            From = Addresses.Clean(from),
            SendId = ParseSendId(send),
        };
    }

    private static OriginalHeaders FromMessage(MimeMessage original) => new()
    {
        MessageId = MessageIdOf(original),
        SendId = ParseSendId(original.Headers[BounceClassifier.SendIdHeader]),
        message = original,
    };

    /// <summary>
    /// What <see cref="FromMessage"/> reads, from the part's header fields alone; null when they are not whole fields
    /// or the Message-ID is one only MimeKit's message object reads (comments, quoting). The addresses fall back to that
    /// object by themselves.
    /// </summary>
    private static OriginalHeaders? FromFields(ReturnedMessagePart part)
    {
        if (part.Fields() is not { } fields)
        {
            return null;
        }

        string? messageId = null;
        var index = fields.IndexOf(HeaderId.MessageId);
        if (index >= 0 && (messageId = PlainMessageId(fields[index])) is null)
        {
            return null;
        }

        return new OriginalHeaders
        {
            MessageId = messageId,
            SendId = ParseSendId(fields[BounceClassifier.SendIdHeader]),
            part = part,
        };
    }

    /// <summary>
    /// To and From as the message object reads them (all fields of the name in order, their addresses together), from the
    /// fields alone; null when an address field does not parse cleanly (the message object skips bad addresses one by one).
    /// </summary>
    private static (string? To, string? From)? AddressesOf(HeaderList fields)
    {
        List<MailboxAddress>? to = null;
        MailboxAddress? from = null;
        foreach (var header in fields)
        {
            if (header.Id is not (HeaderId.To or HeaderId.From))
            {
                continue;
            }

            if (!InternetAddressList.TryParse(BounceClassifier.ParserOptions, header.RawValue, 0, header.RawValue.Length, out var list))
            {
                return null;
            }

            if (header.Id == HeaderId.To)
            {
                (to ??= []).AddRange(list.Mailboxes);
            }
            else
            {
                from ??= list.Mailboxes.FirstOrDefault();
            }
        }

        return (to is [var only] ? Addresses.Clean(only.Address) : null, Addresses.Clean(from?.Address));
    }

    /// <summary>
    /// The Message-ID of <paramref name="message"/> without angle brackets. A plain "&lt;local@domain&gt;" value is read
    /// directly; anything else (comments, quoting, folding) goes through MimeKit's full RFC 5322 msg-id parser, which is
    /// much slower and only needed for those.
    /// </summary>
    public static string? MessageIdOf(MimeMessage message)
    {
        var index = message.Headers.IndexOf(HeaderId.MessageId);
        if (index < 0)
        {
            return null;
        }

        return PlainMessageId(message.Headers[index]) ?? message.MessageId;
    }

    /// <summary>A Message-ID field's "&lt;local@domain&gt;" without the brackets when written plainly, else null.</summary>
    private static string? PlainMessageId(Header header)
    {
        // Printable ASCII with no encoded word decodes to itself: the raw bytes give the same value without MimeKit's
        // RFC 2047 decoder and unfolding (a decoder, a buffer and two strings per header).
        var bytes = ReturnedMessagePart.TrimBlanks(header.RawValue);
        if (bytes.Length > 2 && bytes[0] == '<' && bytes[^1] == '>')
        {
            var id = bytes[1..^1];
            var at = id.IndexOf((byte)'@');
            if (at > 0 && at < id.Length - 1 && id.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) < 0 && !ContainsMsgIdSpecial(id)
                && id.IndexOf("=?"u8) < 0)
            {
                return Encoding.ASCII.GetString(id);
            }
        }

        var raw = header.Value;

        var value = raw.AsSpan().Trim();
        if (value.Length > 2 && value[0] == '<' && value[^1] == '>')
        {
            var inner = value[1..^1];
            var at = inner.IndexOf('@');
            if (at > 0 && at < inner.Length - 1 && !ContainsMsgIdSpecial(inner))
            {
                return inner.ToString();
            }
        }

        return null;
    }

    private const string SendIdField = BounceClassifier.SendIdHeader + ":";

    /// <summary>
    /// Characters a message id written as it should be (RFC 5322 §3.6.4) does not contain between its angle brackets.
    /// Plain loops over short ids, not a <c>SearchValues</c>: those are generic code no precompiled image holds.
    /// </summary>
    private static bool IsMsgIdSpecial(int c) => c is '<' or '>' or '(' or ')' or '"' or '\\' or '[' or ']' or ' ' or '\t' or '\r' or '\n' or ',' or ';' or ':';

    private static bool ContainsMsgIdSpecial(ReadOnlySpan<byte> id)
    {
        foreach (var b in id)
        {
            if (IsMsgIdSpecial(b))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsMsgIdSpecial(ReadOnlySpan<char> id)
    {
        foreach (var c in id)
        {
            if (IsMsgIdSpecial(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string? HeaderValue(ReadOnlySpan<char> line, string name) =>
        line.StartsWith(name, StringComparison.OrdinalIgnoreCase) ? line[name.Length..].Trim().ToString() : null;

    private static long? ParseSendId(string? value) =>
        long.TryParse(value?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;




}

/// <summary>Email addresses in bounce text.</summary>
internal static partial class Addresses
{
    /// <summary>A bare address: lower case, no "rfc822;" prefix, brackets, quotes or trailing punctuation; null when not an address.</summary>
    private static readonly char[] AddressPunctuation = ['"', '\'', '.', ',', ':', ';', '(', ')', '[', ']', ' '];

    public static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var s = value.Trim();
        var semi = s.IndexOf(';');
        if (semi >= 0 && semi < s.IndexOf('@'))
        {
            s = s[(semi + 1)..].Trim();
        }

        var lt = s.IndexOf('<');
        if (lt >= 0)
        {
            var gt = s.IndexOf('>', lt + 1);
            s = gt > lt ? s[(lt + 1)..gt] : s[(lt + 1)..];
        }

        s = s.Trim().Trim(AddressPunctuation);
        var at = s.LastIndexOf('@');
        if (at <= 0 || at == s.Length - 1 || s.AsSpan().ContainsAny(' ', '\t', '\n'))
        {
            return null;
        }

        return s.ToLowerInvariant();
    }

    /// <summary>Addresses in <paramref name="text"/>, in order of appearance (not distinct).</summary>
    /// <remarks>Scans for '@' and grows the address around it: linear, unlike a regex that retries every word.</remarks>
    public static List<string> InText(string text) => InText(text, out _);

    /// <summary>
    /// Addresses in <paramref name="text"/> in order, and (<paramref name="atLineStart"/>) those that open their line (after
    /// blanks and "&lt;*-"). Two lists of strings, not one of flags: List&lt;bool&gt; is in no precompiled image.
    /// </summary>
    public static List<string> InText(string text, out List<string> atLineStart)
    {
        var found = new List<string>();
        atLineStart = [];
        var at = text.IndexOf('@');
        while (at >= 0)
        {
            var start = at;
            while (start > 0 && IsLocalChar(text[start - 1]))
            {
                start--;
            }

            var end = at + 1;
            while (end < text.Length && IsDomainChar(text[end]))
            {
                end++;
            }

            while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-'))
            {
                end--;
            }

            while (start < at && text[start] == '.')
            {
                start++;
            }

            var domain = text.AsSpan(at + 1, end - at - 1);
            if (start < at && domain.Contains('.') && !domain.StartsWith(".") && !IsMessageId(text, start))
            {
                var address = text[start..end].ToLowerInvariant();
                found.Add(address);
                if (OpensLine(text, start))
                {
                    atLineStart.Add(address);
                }
            }

            at = text.IndexOf('@', Math.Max(end, at + 1));
        }

        return found;
    }

    private static bool OpensLine(string text, int start)
    {
        for (var i = start - 1; i >= 0; i--)
        {
            switch (text[i])
            {
                case '\n':
                    return true;
                case ' ' or '\t' or '<' or '*' or '-' or '"' or '\'' or '\r' or '>':
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '=' or '-' or '\'' or '!' or '#' or '$' or '&' or '*' or '?' or '^' or '{' or '|' or '}' or '~' or '/';

    private static bool IsDomainChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-';

    /// <summary>Message-IDs look like addresses; skip those right after "Message-ID:".</summary>
    private static bool IsMessageId(string text, int start)
    {
        var before = text.AsSpan(Math.Max(0, start - 14), Math.Min(14, start));
        return before.Contains("message-id", StringComparison.OrdinalIgnoreCase) || before.Contains("msgid", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Role addresses of mail systems that are never the bounced recipient.</summary>
    public static bool IsRole(string address)
    {
        var local = address.AsSpan(0, address.IndexOf('@'));
        return local.Equals("postmaster", StringComparison.OrdinalIgnoreCase) || local.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase)
            || local.Equals("root", StringComparison.OrdinalIgnoreCase) || local.Equals("abuse", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("bounce", StringComparison.OrdinalIgnoreCase) || local.Equals("daemon", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("noreply", StringComparison.OrdinalIgnoreCase) || local.StartsWith("no-reply", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Addresses mail systems send bounces from (MAILER-DAEMON, postmaster).</summary>
    public static bool IsMailSystem(string address)
    {
        var at = address.IndexOf('@');
        var local = at < 0 ? address.AsSpan() : address.AsSpan(0, at);
        return local.Contains("mailer-daemon", StringComparison.OrdinalIgnoreCase) || local.Contains("postmaster", StringComparison.OrdinalIgnoreCase)
            || local.Contains("mail-daemon", StringComparison.OrdinalIgnoreCase) || local.Equals("mailerdaemon", StringComparison.OrdinalIgnoreCase);
    }


}

/// <summary>Cuts bounce text into the piece that speaks about one recipient.</summary>
internal static class TextSegments
{
    private const int MaxSegment = 2000;

    /// <summary>
    /// The paragraph that starts at the first mention of <paramref name="recipient"/> (the next one too when the first holds
    /// only the address, as Exim and qmail list it), cut at the first mention of another recipient.
    /// </summary>
    public static string? For(string text, string recipient, IReadOnlyList<string> all)
    {
        var start = AsciiIgnoreCase.IndexOf(text, recipient);
        if (start < 0)
        {
            return null;
        }

        // Start at the beginning of the line, so "RCPT TO:<x>: 550 ..." keeps its code.
        var lineStart = text.LastIndexOf('\n', start) + 1;
        var end = ParagraphEnd(text, start);
        var letters = 0;
        for (var i = lineStart; i < end; i++)
        {
            letters += char.IsLetter(text[i]) ? 1 : 0;
        }

        // The paragraph holds only the address or boilerplate without any SMTP code: the explanation follows below.
        if (end < text.Length && (letters < recipient.Length + 12
            || (ReasonRules.FindStatus(text.AsSpan(lineStart, end - lineStart)) is null
                && ReasonRules.FindReplyCode(text.AsSpan(lineStart, end - lineStart)) is null)))
        {
            end = ParagraphEnd(text, SkipBlank(text, end));
        }

        end = Math.Min(end, lineStart + MaxSegment);
        foreach (var other in all)
        {
            if (other == recipient)
            {
                continue;
            }

            var after = start + recipient.Length;
            var next = AsciiIgnoreCase.IndexOf(text.AsSpan(after), other);
            next = next < 0 ? -1 : after + next;
            if (next > start && next < end)
            {
                var otherLine = text.LastIndexOf('\n', next) + 1;
                end = Math.Max(otherLine, start + recipient.Length);
            }
        }

        return text[lineStart..end];
    }

    private static int ParagraphEnd(string text, int from)
    {
        var i = from;
        while (true)
        {
            var nl = text.IndexOf('\n', i);
            if (nl < 0)
            {
                return text.Length;
            }

            var j = nl + 1;
            while (j < text.Length && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
            {
                j++;
            }

            if (j >= text.Length || text[j] == '\n')
            {
                return nl;
            }

            i = j;
        }
    }

    private static int SkipBlank(string text, int from)
    {
        var i = from;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>The text around the first mention of <paramref name="recipient"/> (to the next blank line).</summary>
    public static string? Around(string text, string recipient) => For(text, recipient, []);

    /// <summary>The text before the first mention of <paramref name="recipient"/>.</summary>
    public static string Before(string text, string recipient) => text[..BeforeLength(text, recipient)];

    /// <summary>The length of <see cref="Before"/>: where the first mention starts, 0 when there is none.</summary>
    public static int BeforeLength(string text, string recipient) => Math.Max(0, AsciiIgnoreCase.IndexOf(text, recipient));
}
